import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  PREVIOUS_SECRET_GRACE_MS,
  activeSecrets,
  deliveryHeaders,
  generateWebhookSecret,
  isWebhookSecret,
  previousSecretExpiresAt,
  signatureHeaders,
} from '../../../../lambdas/webhooks/signing.js';

// Verified with the standardwebhooks package, as a receiver would: it checks the timestamp against
// its own clock (5 minutes either way), so the signed timestamps here are "now".
const EVENT_ID = 'evt_0VbA1kQ2x7Hc1pZ9mWq4Rt';
const BODY = JSON.stringify({
  type: 'email.sent',
  created_at: '2025-01-01T00:00:00.000Z',
  data: { id: 'em_1' },
});

function headersFor(secrets: readonly string[], body = BODY, timestamp = new Date()) {
  return signatureHeaders({ eventId: EVENT_ID, timestamp, body, secrets });
}

function verifies(secret: string, body: string, headers: Record<string, string>): boolean {
  try {
    new Webhook(secret).verify(body, headers, { jsonParse: false });
    return true;
  } catch (error) {
    if (error instanceof WebhookVerificationError) return false;
    throw error;
  }
}

// Any code point, lone surrogates included (fast-check's 'binary' unit is slow to warm up).
const anyText = fc.string({
  unit: fc.integer({ min: 0, max: 0x10ffff }).map((code) => String.fromCodePoint(code)),
  maxLength: 300,
});

describe('generateWebhookSecret', () => {
  it('is whsec_ and base64 of 32 random bytes, different every time', () => {
    const secrets = Array.from({ length: 50 }, generateWebhookSecret);
    for (const secret of secrets) {
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
      expect(isWebhookSecret(secret)).toBe(true);
    }
    expect(new Set(secrets).size).toBe(secrets.length);
  });

  it.each([
    ['no prefix', Buffer.alloc(32, 1).toString('base64')],
    ['wrong prefix', `whsek_${Buffer.alloc(32, 1).toString('base64')}`],
    ['31 bytes', `whsec_${Buffer.alloc(31, 1).toString('base64')}`],
    ['33 bytes', `whsec_${Buffer.alloc(33, 1).toString('base64')}`],
    ['missing padding', `whsec_${Buffer.alloc(32, 1).toString('base64').replace('=', '')}`],
    ['url-safe alphabet', `whsec_${Buffer.alloc(32, 255).toString('base64url')}=`],
    ['empty', 'whsec_'],
  ])('isWebhookSecret refuses %s', (_case, value) => {
    expect(isWebhookSecret(value)).toBe(false);
  });
});

describe('signatureHeaders', () => {
  it('produces headers the standardwebhooks library verifies', () => {
    const secret = generateWebhookSecret();
    const headers = headersFor([secret]);
    expect(headers['webhook-id']).toBe(EVENT_ID);
    expect(headers['webhook-timestamp']).toMatch(/^\d{10}$/);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(new Webhook(secret).verify(BODY, { ...headers })).toEqual(JSON.parse(BODY));
  });

  it('signs "id.timestamp.body" with HMAC-SHA256 under the decoded secret', () => {
    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const headers = headersFor([secret], 'hello', new Date(1_700_000_000_999));
    const expected = createHmac('sha256', Buffer.alloc(32, 7))
      .update(`${EVENT_ID}.1700000000.hello`)
      .digest('base64');
    expect(headers).toEqual({
      'webhook-id': EVENT_ID,
      'webhook-timestamp': '1700000000',
      'webhook-signature': `v1,${expected}`,
    });
  });

  it('keeps the event id on every retry while the timestamp and signature follow the attempt', () => {
    const secret = generateWebhookSecret();
    const first = headersFor([secret], BODY, new Date(1_700_000_000_000));
    const retry = headersFor([secret], BODY, new Date(1_700_000_300_000));
    expect(retry['webhook-id']).toBe(first['webhook-id']);
    expect(retry['webhook-timestamp']).toBe('1700000300');
    expect(retry['webhook-signature']).not.toBe(first['webhook-signature']);
  });

  describe('during a rotation both secrets sign', () => {
    const oldSecret = generateWebhookSecret();
    const newSecret = generateWebhookSecret();
    const headers = headersFor([newSecret, oldSecret]);

    it('with two space-separated v1 signatures', () => {
      expect(headers['webhook-signature']).toMatch(/^v1,\S{44} v1,\S{44}$/);
    });

    it.each([
      ['only the old secret', [oldSecret]],
      ['only the new secret', [newSecret]],
      ['both secrets', [oldSecret, newSecret]],
    ])('a receiver holding %s verifies', (_case, held) => {
      expect(held.some((secret) => verifies(secret, BODY, { ...headers }))).toBe(true);
    });

    it('a receiver holding an unrelated secret does not', () => {
      expect(verifies(generateWebhookSecret(), BODY, { ...headers })).toBe(false);
    });
  });

  it('fails verification when the body, timestamp or id is tampered with', () => {
    const secret = generateWebhookSecret();
    const headers = headersFor([secret]);
    expect(verifies(secret, BODY, { ...headers })).toBe(true);
    expect(verifies(secret, BODY.replace('em_1', 'em_2'), { ...headers })).toBe(false);
    expect(verifies(secret, `${BODY} `, { ...headers })).toBe(false);
    const earlier = String(Number(headers['webhook-timestamp']) - 1);
    expect(verifies(secret, BODY, { ...headers, 'webhook-timestamp': earlier })).toBe(false);
    expect(verifies(secret, BODY, { ...headers, 'webhook-id': 'evt_other' })).toBe(false);
  });

  it('never puts a secret, or its key bytes, in a header', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), anyText, (bytes, body) => {
        const key = Buffer.from(bytes).toString('base64');
        const headers = headersFor([`whsec_${key}`], body);
        const text = JSON.stringify(headers);
        expect(text).not.toContain(key);
        expect(text).not.toContain('whsec_');
        expect(verifies(`whsec_${key}`, body, { ...headers })).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it.each([
    ['no secret', { secrets: [] }],
    ['a malformed secret', { secrets: ['whsec_short'] }],
    ['one malformed secret of two', { secrets: [generateWebhookSecret(), 'not-a-secret'] }],
    ['an id with a dot', { eventId: 'evt_a.b' }],
    ['an empty id', { eventId: '' }],
    ['an invalid timestamp', { timestamp: new Date(Number.NaN) }],
  ])('refuses to sign with %s', (_case, override) => {
    const input = {
      eventId: EVENT_ID,
      timestamp: new Date(),
      body: BODY,
      secrets: [generateWebhookSecret()],
    };
    expect(() => signatureHeaders({ ...input, ...override })).toThrow();
  });
});

describe('activeSecrets', () => {
  const rotatedAt = new Date('2025-03-01T12:00:00.000Z');
  const expiresAt = previousSecretExpiresAt(rotatedAt);
  const at = (offsetMs: number) => new Date(rotatedAt.getTime() + offsetMs);

  it('gives the previous secret 24 hours', () => {
    expect(expiresAt.getTime() - rotatedAt.getTime()).toBe(PREVIOUS_SECRET_GRACE_MS);
    expect(PREVIOUS_SECRET_GRACE_MS).toBe(86_400_000);
  });

  it.each([
    ['just after the rotation', 0, ['new', 'old']],
    ['an hour later', 3_600_000, ['new', 'old']],
    ['a millisecond before the grace period ends', PREVIOUS_SECRET_GRACE_MS - 1, ['new', 'old']],
    ['when the grace period ends', PREVIOUS_SECRET_GRACE_MS, ['new']],
    ['a week later', 7 * PREVIOUS_SECRET_GRACE_MS, ['new']],
  ])('%s', (_case, offset, expected) => {
    expect(
      activeSecrets({ current: 'new', previous: 'old', previousExpiresAt: expiresAt, now: at(offset) }),
    ).toEqual(expected);
  });

  it.each([
    ['no previous secret', { current: 'new' }],
    ['a previous secret without an expiry', { current: 'new', previous: 'old' }],
    [
      'a previous secret equal to the current one',
      { current: 'new', previous: 'new', previousExpiresAt: expiresAt },
    ],
  ])('signs with the current secret alone given %s', (_case, state) => {
    expect(activeSecrets({ ...state, now: rotatedAt })).toEqual(['new']);
  });
});

describe('deliveryHeaders', () => {
  const signature = {
    'webhook-id': EVENT_ID,
    'webhook-timestamp': '1767225600',
    'webhook-signature': 'v1,abc v1,def',
  };

  it('sends a /v1 webhook the Standard Webhooks headers only', () => {
    expect(deliveryHeaders(signature, undefined)).toEqual(signature);
  });

  it('copies them under Svix’s names for a webhook created through Resend’s API', () => {
    expect(deliveryHeaders(signature, 'resend')).toEqual({
      ...signature,
      'svix-id': EVENT_ID,
      'svix-timestamp': '1767225600',
      'svix-signature': 'v1,abc v1,def',
    });
  });
});
