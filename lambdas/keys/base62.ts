import { randomBytes } from 'node:crypto';

/** 0-9, A-Z, a-z: in ASCII order, so fixed-width base62 strings sort like the numbers they encode. */
export const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Encodes a non-negative integer as base62, left-padded with `0` to `width` characters. */
export function encodeBase62(value: number | bigint, width: number): string {
  let rest = BigInt(value);
  if (rest < 0n) throw new RangeError('encodeBase62 takes a non-negative integer');
  let out = '';
  while (rest > 0n) {
    out = BASE62_ALPHABET[Number(rest % 62n)] + out;
    rest /= 62n;
  }
  if (out.length > width) throw new RangeError(`value does not fit in ${width} base62 characters`);
  return out.padStart(width, '0');
}

/**
 * `length` uniformly random base62 characters from crypto.randomBytes. Bytes ≥ 248 are rejected so
 * that `byte % 62` has no modulo bias (248 = 4 × 62).
 */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(Math.ceil((length - out.length) * 1.1) + 4)) {
      if (byte >= 248) continue;
      out += BASE62_ALPHABET[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}
