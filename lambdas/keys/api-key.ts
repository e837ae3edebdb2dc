/**
 * The API key format (docs/architecture.md, "The key model"):
 *   sk_<env>_<keyId:12 base62><secret:32 base62><checksum:6 base62 CRC32 of everything before it>
 * Only the SHA-256 of the whole key is ever stored. No AWS imports.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { encodeBase62, randomBase62 } from './base62.js';
import { crc32 } from './crc32.js';
import { requireEnv } from '../aws/env.js';

export const KEY_ENVIRONMENTS = ['live', 'test'] as const;
export type KeyEnvironment = (typeof KEY_ENVIRONMENTS)[number];

/** The stack's key environment (`KEY_ENVIRONMENT`): a Lambda without a valid one fails at cold start. */
export function keyEnvironmentFromEnv(): KeyEnvironment {
  const value = requireEnv('KEY_ENVIRONMENT');
  if (!(KEY_ENVIRONMENTS as readonly string[]).includes(value)) {
    throw new Error(`KEY_ENVIRONMENT must be one of ${KEY_ENVIRONMENTS.join(', ')}`);
  }
  return value as KeyEnvironment;
}

export const KEY_ID_LENGTH = 12;
export const SECRET_LENGTH = 32;
export const CHECKSUM_LENGTH = 6;

const KEY_PATTERN = /^sk_(live|test)_([0-9A-Za-z]{12})([0-9A-Za-z]{32})([0-9A-Za-z]{6})$/;
const KEY_ID_PATTERN = /^[0-9A-Za-z]{12}$/;

export interface ParsedApiKey {
  readonly environment: KeyEnvironment;
  readonly keyId: string;
}

export interface GeneratedApiKey extends ParsedApiKey {
  /** The whole secret key: shown exactly once, never stored or logged. */
  readonly key: string;
  /** `sk_<env>_<keyId>`: safe to show and log. */
  readonly prefix: string;
  readonly keyHash: string;
}

export function isKeyId(value: string): boolean {
  return KEY_ID_PATTERN.test(value);
}

const SECRET_KEY_SHAPE = new RegExp(
  `^(sk_(live|test)_)?[0-9A-Za-z]{${KEY_ID_LENGTH + SECRET_LENGTH + CHECKSUM_LENGTH}}$`,
);

/** Has the shape of a whole secret key, with or without its `sk_<env>_` prefix (checksum unchecked). */
export function looksLikeSecretKey(value: string): boolean {
  return SECRET_KEY_SHAPE.test(value);
}

export function keyPrefix(environment: KeyEnvironment, keyId: string): string {
  return `sk_${environment}_${keyId}`;
}

export function checksumOf(body: string): string {
  return encodeBase62(crc32(body), CHECKSUM_LENGTH);
}

/** Generates a new key; `keyId` may be fixed when rotating the secret of an existing key. */
export function generateApiKey(
  environment: KeyEnvironment,
  keyId: string = randomBase62(KEY_ID_LENGTH),
): GeneratedApiKey {
  if (!isKeyId(keyId)) throw new RangeError('keyId must be 12 base62 characters');
  const body = `${keyPrefix(environment, keyId)}${randomBase62(SECRET_LENGTH)}`;
  const key = `${body}${checksumOf(body)}`;
  return { environment, keyId, key, prefix: keyPrefix(environment, keyId), keyHash: hashApiKey(key) };
}

/**
 * Parses a presented key: shape and checksum only, so a typo or a forged key is refused without
 * touching DynamoDB. `expected` refuses keys of the other environment (a test key never works live).
 */
export function parseApiKey(candidate: string, expected: KeyEnvironment): ParsedApiKey | undefined {
  const match = KEY_PATTERN.exec(candidate);
  if (!match) return undefined;
  const [, environment, keyId, secret, checksum] = match;
  if (environment !== expected || keyId === undefined || secret === undefined) return undefined;
  if (checksumOf(`sk_${environment}_${keyId}${secret}`) !== checksum) return undefined;
  return { environment: expected, keyId };
}

/** `Authorization: Bearer <key>` → the key, or undefined. The scheme is case-insensitive (RFC 7235). */
export function bearerToken(headerValue: string | undefined): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(headerValue ?? '');
  return match?.[1];
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Constant-time comparison of the presented key's hash with the stored hex hash. */
export function keyHashMatches(key: string, storedHexHash: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(storedHexHash)) return false;
  const presented = createHash('sha256').update(key, 'utf8').digest();
  return timingSafeEqual(presented, Buffer.from(storedHexHash, 'hex'));
}
