/**
 * What of a key may reach a log or the audit log: whole keys in a text, an id or a path are cut to
 * their public prefix `sk_<env>_<keyId>`, and a logged error keeps only its name and message.
 */
import { CHECKSUM_LENGTH, KEY_ID_LENGTH, looksLikeSecretKey, SECRET_LENGTH } from './api-key.js';

/** A whole key anywhere in a text: its public prefix (groups 1 and 2), then the secret and checksum. */
const EMBEDDED_KEY = new RegExp(
  `sk_(live|test)_([0-9A-Za-z]{${KEY_ID_LENGTH}})[0-9A-Za-z]{${SECRET_LENGTH + CHECKSUM_LENGTH}}`,
  'g',
);

/** The text with every whole key in it replaced by its public prefix: safe to log or store. */
export function redactSecretKeys(text: string): string {
  return text.replace(EMBEDDED_KEY, 'sk_$1_$2');
}

/**
 * What may be recorded of one value standing for an id (a path parameter): a value that starts like
 * a key and goes on past its key id (a whole key, or one mistyped) becomes its public prefix
 * `sk_<env>_<keyId>`; 50 base62 characters (a key without its `sk_<env>_`) become the key id; any
 * other value keeps its text, with whole keys inside it redacted.
 */
export function publicFormOf(value: string): string {
  const prefixed = /^(sk_(?:live|test)_[0-9A-Za-z]{12})[0-9A-Za-z]/.exec(value);
  if (prefixed?.[1] !== undefined) return prefixed[1];
  if (looksLikeSecretKey(value)) return value.slice(0, KEY_ID_LENGTH);
  return redactSecretKeys(value);
}

/** A URL path safe to log: each segment through `publicFormOf`. */
export function redactPath(path: string): string {
  return path.split('/').map(publicFormOf).join('/');
}

/** Error name and message only: never a request body, key or hash. */
export function describeError(error: unknown): { name: string; message: string } {
  // Logged: a message that quotes a whole key (a parse error echoing its input) keeps only its prefix.
  return error instanceof Error
    ? { name: error.name, message: redactSecretKeys(error.message) }
    : { name: 'unknown', message: redactSecretKeys(String(error)) };
}
