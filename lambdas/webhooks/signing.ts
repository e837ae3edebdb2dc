/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): every delivery carries
 * `webhook-id`, `webhook-timestamp` and `webhook-signature`, and any Standard Webhooks library
 * verifies it with the endpoint's `whsec_…` secret.
 *
 * After a rotation the previous secret keeps signing next to the new one for 24 hours, so a
 * receiver can switch secrets at its own pace: each signature is checked on its own, and one match
 * is enough.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { WebhookSurface } from './webhook-store.js';

export const WEBHOOK_SECRET_PREFIX = 'whsec_';
export const WEBHOOK_SECRET_BYTES = 32;
/** How long the previous secret keeps signing after a rotation. */
export const PREVIOUS_SECRET_GRACE_MS = 24 * 60 * 60 * 1000;

export interface SignatureHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

export interface SignatureInput {
  /** The event's id (`evt_…`): the same on every retry, so a receiver can drop duplicates. */
  readonly eventId: string;
  /** When this attempt is sent; receivers refuse timestamps far from their clock (replay guard). */
  readonly timestamp: Date;
  /** Exactly the bytes that will be sent as the request body. */
  readonly body: string;
  /** The active secrets, newest first (see `activeSecrets`). */
  readonly secrets: readonly string[];
}

// Canonical base64 (padding included), so a secret has exactly one spelling.
const SECRET_SHAPE = /^whsec_(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// The id is the first field of the signed "id.timestamp.body": no dot, or the fields would blur.
const EVENT_ID_SHAPE = /^[A-Za-z0-9_-]{1,128}$/;

export function generateWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(WEBHOOK_SECRET_BYTES).toString('base64');
}

/** A secret this service issued: `whsec_` and canonical base64 of exactly 32 bytes. */
export function isWebhookSecret(value: string): boolean {
  return SECRET_SHAPE.test(value) && secretKey(value).length === WEBHOOK_SECRET_BYTES;
}

/** When a secret replaced at `rotatedAt` stops signing. */
export function previousSecretExpiresAt(rotatedAt: Date): Date {
  return new Date(rotatedAt.getTime() + PREVIOUS_SECRET_GRACE_MS);
}

export interface SecretState {
  readonly current: string;
  readonly previous?: string;
  /** Without it the previous secret no longer signs: a grace period with no end is none at all. */
  readonly previousExpiresAt?: Date;
  readonly now: Date;
}

/** The secrets that sign now: the current one, and the previous one until its grace period ends. */
export function activeSecrets(state: SecretState): string[] {
  const { current, previous, previousExpiresAt, now } = state;
  const previousSigns =
    previous !== undefined &&
    previous !== current &&
    previousExpiresAt !== undefined &&
    now.getTime() < previousExpiresAt.getTime();
  return previousSigns ? [current, previous] : [current];
}

/**
 * The three Standard Webhooks headers. Throws on a malformed secret or id or on no secret at all: a
 * delivery must never go out unsigned or signed with a key nobody holds.
 */
export function signatureHeaders(input: SignatureInput): SignatureHeaders {
  const { eventId, timestamp, body, secrets } = input;
  if (!EVENT_ID_SHAPE.test(eventId))
    throw new Error('The event id cannot be signed: it must be [A-Za-z0-9_-]+.');
  if (secrets.length === 0) throw new Error('A delivery needs at least one signing secret.');
  if (!secrets.every(isWebhookSecret)) throw new Error('A signing secret is malformed.');
  const seconds = Math.floor(timestamp.getTime() / 1000);
  if (!Number.isSafeInteger(seconds) || seconds < 0) throw new Error('The timestamp is not a valid time.');
  const signedContent = `${eventId}.${seconds}.${body}`;
  const signatures = secrets.map(
    (secret) =>
      `v1,${createHmac('sha256', secretKey(secret)).update(signedContent, 'utf8').digest('base64')}`,
  );
  return {
    'webhook-id': eventId,
    'webhook-timestamp': String(seconds),
    'webhook-signature': signatures.join(' '),
  };
}

/**
 * The headers a delivery is sent with: the Standard Webhooks three, and for a webhook created through
 * Resend's API the same three values under Svix's names (`svix-id`, `svix-timestamp`,
 * `svix-signature`), which Resend's deliveries carry and receivers written for Resend may read. Svix's
 * signature is the Standard Webhooks one, so either set verifies with the same secret.
 */
export function deliveryHeaders(
  signature: SignatureHeaders,
  surface: WebhookSurface | undefined,
): Record<string, string> {
  if (surface !== 'resend') return { ...signature };
  return {
    ...signature,
    'svix-id': signature['webhook-id'],
    'svix-timestamp': signature['webhook-timestamp'],
    'svix-signature': signature['webhook-signature'],
  };
}

function secretKey(secret: string): Buffer {
  return Buffer.from(secret.slice(WEBHOOK_SECRET_PREFIX.length), 'base64');
}
