import * as crypto from 'node:crypto';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  bearerToken,
  CHECKSUM_LENGTH,
  checksumOf,
  generateApiKey,
  hashApiKey,
  isKeyId,
  KEY_ID_LENGTH,
  keyHashMatches,
  keyPrefix,
  looksLikeSecretKey,
  parseApiKey,
  SECRET_LENGTH,
} from '../../../../lambdas/keys/api-key.js';
import { BASE62_ALPHABET, encodeBase62 } from '../../../../lambdas/keys/base62.js';

import type * as Crypto from 'node:crypto';

// Call-through spy, so the test can see that the hash comparison is the constant-time one.
vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof Crypto>();
  return { ...original, timingSafeEqual: vi.fn(original.timingSafeEqual) };
});

const KEY_FORMAT = /^sk_(live|test)_[0-9A-Za-z]{12}[0-9A-Za-z]{32}[0-9A-Za-z]{6}$/;
const base62Char = fc.constantFrom(...BASE62_ALPHABET);
const base62String = (length: number) =>
  fc.array(base62Char, { minLength: length, maxLength: length }).map((chars) => chars.join(''));

/** A well-formed key built from arbitrary parts, with its checksum computed independently. */
const wellFormedKey = fc
  .tuple(fc.constantFrom('live', 'test'), base62String(KEY_ID_LENGTH), base62String(SECRET_LENGTH))
  .map(([environment, keyId, secret]) => {
    const body = `sk_${environment}_${keyId}${secret}`;
    return {
      environment: environment as 'live' | 'test',
      keyId,
      key: `${body}${encodeBase62(crc32(body), 6)}`,
    };
  });

afterEach(() => {
  vi.mocked(crypto.timingSafeEqual).mockClear();
});

describe('generateApiKey: format', () => {
  it.each(['live', 'test'] as const)('a %s key matches sk_<env>_ + 12 + 32 + 6 base62', (environment) => {
    const generated = generateApiKey(environment);
    expect(generated.key).toMatch(KEY_FORMAT);
    expect(generated.key.startsWith(`sk_${environment}_`)).toBe(true);
    expect(generated.environment).toBe(environment);
  });

  it('has a 12-character key id, a 32-character secret and a 6-character checksum', () => {
    expect([KEY_ID_LENGTH, SECRET_LENGTH, CHECKSUM_LENGTH]).toEqual([12, 32, 6]);
    const { key, keyId } = generateApiKey('live');
    const rest = key.slice('sk_live_'.length);
    expect(rest.slice(0, 12)).toBe(keyId);
    expect(rest).toHaveLength(12 + 32 + 6);
  });

  it('the secret carries at least 190 bits (32 base62 characters)', () => {
    expect(SECRET_LENGTH * Math.log2(62)).toBeGreaterThanOrEqual(190);
  });

  it('the checksum is the base62 CRC32 of everything before it', () => {
    const { key } = generateApiKey('live');
    const body = key.slice(0, -6);
    expect(key.slice(-6)).toBe(encodeBase62(crc32(body), 6));
    expect(checksumOf(body)).toBe(key.slice(-6));
  });

  it('the public prefix is sk_<env>_<keyId> and is not the secret', () => {
    const generated = generateApiKey('live');
    expect(generated.prefix).toBe(`sk_live_${generated.keyId}`);
    expect(keyPrefix('test', generated.keyId)).toBe(`sk_test_${generated.keyId}`);
    expect(generated.key.startsWith(generated.prefix)).toBe(true);
  });

  it('stores only the hex SHA-256 of the whole key', () => {
    const generated = generateApiKey('live');
    expect(generated.keyHash).toBe(crypto.createHash('sha256').update(generated.key).digest('hex'));
    expect(hashApiKey(generated.key)).toBe(generated.keyHash);
  });

  it('two keys never share a secret', () => {
    const secrets = new Set(Array.from({ length: 200 }, () => generateApiKey('live').key.slice(20, 52)));
    expect(secrets.size).toBe(200);
  });

  it('rotation keeps a given key id and changes the secret', () => {
    const first = generateApiKey('live');
    const rotated = generateApiKey('live', first.keyId);
    expect(rotated.keyId).toBe(first.keyId);
    expect(rotated.key).not.toBe(first.key);
    expect(parseApiKey(rotated.key, 'live')).toEqual({ environment: 'live', keyId: first.keyId });
  });

  it.each(['short', 'AAAAAAAAAAA_', 'AAAAAAAAAAAAA', ''])('refuses to mint a key with key id %j', (keyId) => {
    expect(() => generateApiKey('live', keyId)).toThrow(RangeError);
  });

  it.each([
    ['AAAAAAAAAAAA', true],
    ['0aZ9bY8cX7dW', true],
    ['AAAAAAAAAAA', false],
    ['AAAAAAAAAAAAA', false],
    ['AAAAAAAAAAA-', false],
    ['AAAAAAAAAAA ', false],
  ])('isKeyId(%j) is %s', (value, expected) => {
    expect(isKeyId(value)).toBe(expected);
  });
});

describe('parseApiKey: refused without touching DynamoDB', () => {
  it('accepts every well-formed key of the expected environment', () => {
    fc.assert(
      fc.property(wellFormedKey, ({ environment, keyId, key }) => {
        expect(parseApiKey(key, environment)).toEqual({ environment, keyId });
      }),
    );
  });

  it('the checksum catches every single-character substitution (property)', () => {
    fc.assert(
      fc.property(
        wellFormedKey,
        fc.nat(),
        fc.constantFrom(...BASE62_ALPHABET, '_', '-', ' '),
        ({ environment, key }, at, replacement) => {
          const position = at % key.length;
          fc.pre(key[position] !== replacement);
          const tampered = `${key.slice(0, position)}${replacement}${key.slice(position + 1)}`;
          expect(parseApiKey(tampered, environment)).toBeUndefined();
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('the checksum catches every single-character substitution (exhaustive over one key)', () => {
    const { key } = generateApiKey('live');
    let tried = 0;
    for (let position = 'sk_live_'.length; position < key.length; position++) {
      for (const replacement of BASE62_ALPHABET) {
        if (key[position] === replacement) continue;
        const tampered = `${key.slice(0, position)}${replacement}${key.slice(position + 1)}`;
        expect(parseApiKey(tampered, 'live'), tampered).toBeUndefined();
        tried++;
      }
    }
    expect(tried).toBe(50 * 61);
  });

  it.each([
    ['a test key when the environment is live', 'test', 'live'],
    ['a live key when the environment is test', 'live', 'test'],
  ] as const)('refuses %s', (_case, minted, expected) => {
    expect(parseApiKey(generateApiKey(minted).key, expected)).toBeUndefined();
  });

  it('refuses a test key relabelled live even with a recomputed checksum', () => {
    const { key } = generateApiKey('test');
    const body = key.slice(0, -6).replace('sk_test_', 'sk_prod_');
    expect(parseApiKey(`${body}${checksumOf(body)}`, 'live')).toBeUndefined();
  });

  const valid = generateApiKey('live').key;
  it.each([
    ['empty', ''],
    ['the prefix only', valid.slice(0, 20)],
    ['one character short', valid.slice(0, -1)],
    ['one character long', `${valid}A`],
    ['leading space', ` ${valid}`],
    ['trailing space', `${valid} `],
    ['trailing newline', `${valid}\n`],
    ['upper-case prefix', valid.replace('sk_live_', 'SK_LIVE_')],
    ['another prefix', valid.replace('sk_', 'pk_')],
    ['dash separators', valid.replace('sk_live_', 'sk-live-')],
    ['a non-base62 character in the secret', `${valid.slice(0, 30)}+${valid.slice(31)}`],
    ['twice', `${valid}${valid}`],
  ])('refuses a malformed key: %s', (_case, candidate) => {
    expect(parseApiKey(candidate, 'live')).toBeUndefined();
  });
});

describe('bearerToken', () => {
  const token = 'sk_live_abc';
  it.each([
    ['Bearer sk_live_abc', token],
    ['bearer sk_live_abc', token],
    ['BEARER sk_live_abc', token],
    ['bEaReR sk_live_abc', token],
    ['Bearer   sk_live_abc', token],
    ['Bearer sk_live_abc   ', token],
  ])('reads %j', (header, expected) => {
    expect(bearerToken(header)).toBe(expected);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['scheme only', 'Bearer'],
    ['scheme and space only', 'Bearer '],
    ['no scheme', 'sk_live_abc'],
    ['Basic scheme', 'Basic sk_live_abc'],
    ['Token scheme', 'Token sk_live_abc'],
    ['no space after the scheme', 'Bearersk_live_abc'],
    ['two tokens', 'Bearer sk_live_abc sk_live_def'],
    ['two bearer values joined by a proxy', 'Bearer sk_live_abc, Bearer sk_live_def'],
    ['leading space', ' Bearer sk_live_abc'],
    ['tab separator', 'Bearer\tsk_live_abc'],
    ['trailing newline', 'Bearer sk_live_abc\n'],
  ])('refuses %s', (_case, header) => {
    expect(bearerToken(header)).toBeUndefined();
  });
});

describe('keyHashMatches', () => {
  const { key, keyHash } = generateApiKey('live');

  it('matches the stored hash of the same key', () => {
    expect(keyHashMatches(key, keyHash)).toBe(true);
  });

  it('matches a stored hash written in upper-case hex (console edit)', () => {
    expect(keyHashMatches(key, keyHash.toUpperCase())).toBe(true);
  });

  it('compares with crypto.timingSafeEqual', () => {
    keyHashMatches(key, keyHash);
    expect(crypto.timingSafeEqual).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['the hash of another key', generateApiKey('live').keyHash],
    ['one hex digit changed', `${keyHash.slice(0, -1)}${keyHash.endsWith('0') ? '1' : '0'}`],
    ['empty', ''],
    ['too short', keyHash.slice(0, 63)],
    ['too long', `${keyHash}0`],
    ['truncated to 32 bytes of text', keyHash.slice(0, 32)],
    ['non-hex', 'g'.repeat(64)],
    ['the key itself', key],
    ['base64 of the right digest', crypto.createHash('sha256').update(key).digest('base64')],
    ['surrounded by spaces', ` ${keyHash} `],
  ])('refuses %s', (_case, stored) => {
    expect(keyHashMatches(key, stored)).toBe(false);
  });

  it('refuses a well-formed key whose secret differs', () => {
    const other = generateApiKey('live', generateApiKey('live').keyId);
    expect(keyHashMatches(other.key, keyHash)).toBe(false);
  });
});

describe('looksLikeSecretKey', () => {
  const { key, keyId, prefix } = generateApiKey('test');
  it.each([
    ['a whole key', key, true],
    ['a whole key without its sk_test_ prefix', key.slice('sk_test_'.length), true],
    ['a key id', keyId, false],
    ['a public prefix', prefix, false],
    ['a whole key with one character missing', key.slice(0, -1), false],
  ])('%s → %s', (_case, value, expected) => {
    expect(looksLikeSecretKey(value)).toBe(expected);
  });
});

describe('checksumOf', () => {
  it("is the base62 of zlib's unsigned CRC-32 of the UTF-8 bytes, for any text", () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (body) => {
        expect(checksumOf(body)).toBe(encodeBase62(crc32(body), CHECKSUM_LENGTH));
      }),
      { numRuns: 2000 },
    );
  });

  it('is unsigned: a body whose CRC-32 has the top bit set keeps six base62 digits', () => {
    const body = Array.from({ length: 64 }, (_, index) => `sk_live_${index}`).find(
      (candidate) => crc32(candidate) >= 2 ** 31,
    );
    expect(body).toBeDefined();
    if (body === undefined) return;
    expect(checksumOf(body)).toBe(encodeBase62(crc32(body), CHECKSUM_LENGTH));
    expect(checksumOf(body)).toMatch(/^[0-9A-Za-z]{6}$/);
  });
});
