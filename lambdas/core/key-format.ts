/**
 * The public shape of an API key (docs/architecture.md, "The key model"), and what of a key-shaped
 * value may be logged or stored: its public prefix `sk_<env>_<keyId>`, never the secret. Pure text
 * rules with no Node or AWS imports, so the dashboard shares them.
 */
export const KEY_ENVIRONMENTS = ['live', 'test'] as const;
export type KeyEnvironment = (typeof KEY_ENVIRONMENTS)[number];

export const KEY_ID_LENGTH = 12;
export const SECRET_LENGTH = 32;
export const CHECKSUM_LENGTH = 6;

const KEY_ID_PATTERN = /^[0-9A-Za-z]{12}$/;

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
