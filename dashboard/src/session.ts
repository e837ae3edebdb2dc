/**
 * The pasted key. It lives in a signal and in sessionStorage only (gone when the tab closes), never in
 * localStorage, a cookie or the URL, and is sent only to the API this page came from.
 */
import { signal } from '@preact/signals';

const STORAGE_KEY = 'scopegate.key';

/** `sk_live_` or `sk_test_`, a 12-character key id, a 32-character secret and a 6-character checksum. */
const KEY_SHAPE = /^sk_(live|test)_[0-9A-Za-z]{50}$/;

export function isKeyShaped(value: string): boolean {
  return KEY_SHAPE.test(value);
}

/** `sk_test_<keyId>`: the public prefix, safe to show. */
export function keyPrefix(key: string): string {
  return key.slice(0, 'sk_test_'.length + 12);
}

/** The key's 12-character id, inside its prefix: what `GET /v1/api-keys/{id}` takes. */
export function keyId(key: string): string {
  return key.slice('sk_test_'.length, 'sk_test_'.length + 12);
}

function stored(): string | undefined {
  const value = sessionStorage.getItem(STORAGE_KEY);
  return value !== null && isKeyShaped(value) ? value : undefined;
}

export const apiKey = signal<string | undefined>(stored());

export function rememberKey(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
  apiKey.value = key;
}

export function forgetKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
  apiKey.value = undefined;
}
