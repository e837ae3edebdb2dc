/** A whole key pasted where an id belongs is recorded as its public prefix: in logs and the audit log. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateApiKey, KEY_ENVIRONMENTS } from '../../../../lambdas/keys/api-key.js';
import { resourceIdOf } from '../../../../lambdas/http/audit-log.js';
import { BASE62_ALPHABET } from '../../../../lambdas/keys/base62.js';
import {
  describeError,
  publicFormOf,
  redactPath,
  redactSecretKeys,
} from '../../../../lambdas/keys/redaction.js';

const key = generateApiKey('live');
const testKey = generateApiKey('test');
const base62 = (length: number) =>
  fc
    .array(fc.constantFrom(...BASE62_ALPHABET), { minLength: length, maxLength: length })
    .map((chars) => chars.join(''));

describe('publicFormOf and redactPath', () => {
  it.each([
    ['a whole live key', key.key, key.prefix],
    ['a whole test key', testKey.key, testKey.prefix],
    ['a key without its sk_live_', key.key.slice('sk_live_'.length), key.keyId],
    ['a key missing its last character', key.key.slice(0, -1), key.prefix],
    ['a key with a character too many', `${key.key}x`, key.prefix],
    ['the public prefix', key.prefix, key.prefix],
    ['a key id', key.keyId, key.keyId],
    ['a resource id', 'tpl_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw', 'tpl_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw'],
    ['text quoting a key', `"${key.key}" is not an id`, `"${key.prefix}" is not an id`],
  ])('%s', (_name, value, expected) => {
    expect(publicFormOf(value)).toBe(expected);
  });

  it('never keeps a whole key of any environment, wherever it sits in a path', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...KEY_ENVIRONMENTS),
        fc.array(fc.stringMatching(/^[A-Za-z0-9_.-]{0,20}$/), { maxLength: 4 }),
        fc.nat(4),
        (environment, segments, at) => {
          const whole = generateApiKey(environment);
          const path = ['', ...segments.slice(0, at), whole.key, ...segments.slice(at)].join('/');
          const redacted = redactPath(path);
          expect(redacted).not.toContain(whole.key.slice(whole.prefix.length));
          expect(redacted).toContain(whole.prefix);
        },
      ),
    );
  });

  it('keeps no secret of a key written without its sk_<env>_ prefix either', () => {
    fc.assert(
      fc.property(base62(50), (bare) => {
        expect(redactPath(`/v1/api-keys/${bare}`)).toBe(`/v1/api-keys/${bare.slice(0, 12)}`);
      }),
    );
  });

  it('redacts every key in a text, and an error message before it is logged', () => {
    const text = `${key.key} and ${testKey.key}`;
    expect(redactSecretKeys(text)).toBe(`${key.prefix} and ${testKey.prefix}`);
    expect(describeError(new Error(`bad id ${key.key}`)).message).toBe(`bad id ${key.prefix}`);
  });
});

describe("the audit entry's resource_id", () => {
  it.each([
    ['the validated id', { params: { id: 'tpl_1' }, validParams: { id: 'tpl_1' } }, 'tpl_1'],
    ['a key id', { params: { id: key.keyId }, validParams: { id: key.keyId } }, key.keyId],
    [
      'a whole key the contract accepted',
      { params: { id: key.key }, validParams: { id: key.key } },
      key.prefix,
    ],
    ['a whole key the contract refused', { params: { id: key.key } }, key.prefix],
    ['a bare key', { params: { id: key.key.slice(8) }, validParams: { id: key.key.slice(8) } }, key.keyId],
    ['an id the contract refused', { params: { id: 'tpl_1' } }, null],
    ['text that is not an id', { params: { id: 'a b' }, validParams: { id: 'a b' } }, null],
    ['no id in the path: the created id', { body: { id: 'wh_1' } }, 'wh_1'],
    ['neither', { body: { data: [] } }, null],
  ])('%s', (_name, call, expected) => {
    expect(resourceIdOf(call)).toBe(expected);
  });
});
