import { encodeBase62, randomBase62 } from '../keys/base62.js';

/**
 * Resource ids like `em_0Vb3kQ2x7Hc1pZ9mWq4Rt8Ly`: a prefix, 8 base62 characters of milliseconds
 * (so ids sort by creation time) and 14 random base62 characters (~83 bits).
 */
export function newId(prefix: string, now: Date = new Date()): string {
  return `${prefix}_${encodeBase62(now.getTime(), 8)}${randomBase62(14)}`;
}

export function isIdOf(prefix: string, value: string): boolean {
  return new RegExp(`^${prefix}_[0-9A-Za-z]{22}$`).test(value);
}
