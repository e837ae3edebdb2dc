/**
 * A broadcast's one SES call, and what its failure means. Unlike a single send (whose client gets an
 * HTTP error and retries with its Idempotency-Key), a broadcast decides for itself, so the SDK's error
 * is kept as it is and classified here: a throttle or an answered 5xx was not sent (try later); a
 * rejection is final; anything without an answer (a timeout, a reset) may have been sent, and is
 * never tried again.
 */
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { type ConfigurationSets, configurationSetFor, NO_TRACKING } from '../domains/email-tracking.js';
import { addressOf } from '../shared/mailbox.js';
import { buildMimeMessage } from '../sending/mime.js';
import type { SendFunction } from '../sending/ses-sender.js';

/** SES's throttling errors: the API's `Throttling`/`ThrottlingException`, SES v2's `TooManyRequestsException`. */
export const SES_THROTTLES = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException']);
/** Refusals of this email or this account: sending it again would be refused again. */
const REJECTIONS = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'BadRequestException',
  'NotFoundException',
  'AccountSuspendedException',
  'SendingPausedException',
  'LimitExceededException',
]);
/** Errors raised before a request left this process or reached SES: nothing was sent. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

export type SendFailure =
  | { readonly kind: 'throttled' }
  | { readonly kind: 'retry'; readonly reason: string }
  | { readonly kind: 'rejected'; readonly reason: string }
  | { readonly kind: 'unknown_outcome' };

export function classifySendFailure(error: unknown): SendFailure {
  if (!(error instanceof Error)) return { kind: 'unknown_outcome' };
  if (SES_THROTTLES.has(error.name)) return { kind: 'throttled' };
  if (REJECTIONS.has(error.name)) return { kind: 'rejected', reason: error.name };
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  // SES answered, with a server error: it did not take the email.
  if (typeof status === 'number' && status >= 500) return { kind: 'retry', reason: `ses_${status}` };
  if (typeof status === 'number' && status >= 400)
    return { kind: 'rejected', reason: error.name || `ses_${status}` };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && NOT_CONNECTED.has(code)) return { kind: 'retry', reason: code };
  return { kind: 'unknown_outcome' };
}

/** SES v2 SendEmail with raw MIME, as lambdas/sending/ses-sender.ts, but its errors left unmapped. */
export function broadcastSesSender(
  client: SESv2Client,
  configurationSets: ConfigurationSets = {},
): SendFunction {
  return async (email) => {
    const configurationSetName = configurationSetFor(configurationSets, email.tracking ?? NO_TRACKING);
    const message = await buildMimeMessage({ ...email, attachments: [] });
    const bare = (list: readonly string[]) => list.map((mailbox) => addressOf(mailbox) ?? mailbox);
    const result = await client.send(
      new SendEmailCommand({
        FromEmailAddress: message.fromHeader,
        Destination: { ToAddresses: bare(email.to) },
        Content: { Raw: { Data: message.raw } },
        ...(email.tags.length > 0
          ? { EmailTags: email.tags.map(({ name, value }) => ({ Name: name, Value: value })) }
          : {}),
        ...(configurationSetName ? { ConfigurationSetName: configurationSetName } : {}),
      }),
    );
    if (!result.MessageId) throw new Error('SES answered without a MessageId');
    return result.MessageId;
  };
}
