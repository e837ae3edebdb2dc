/**
 * The one SES call: SES v2 SendEmail with raw content built by ./mime.ts (one code path, with or
 * without attachments), and SES's errors mapped to API errors. The recipients go in Destination, so
 * Bcc never appears in the message's headers.
 */
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import {
  type ConfigurationSets,
  configurationSetFor,
  type EmailTracking,
  NO_TRACKING,
} from '../domains/email-tracking.js';
import { ApiError } from '../api/errors.js';
import type { AttachmentInput } from './attachments.js';
import type { EmailEnvelope } from './envelope.js';
import { addressOf } from '../shared/mailbox.js';
import { buildMimeMessage } from './mime.js';

export interface OutgoingEmail extends EmailEnvelope {
  readonly html?: string | undefined;
  readonly text?: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly attachments?: readonly AttachmentInput[] | undefined;
  /** The from domain's open and click tracking; absent: none. */
  readonly tracking?: EmailTracking | undefined;
}

export type SendFunction = (email: OutgoingEmail) => Promise<string>;

/** Rejections caused by the request (unverified sender, suppressed address…): the caller can fix them. */
const REJECTIONS = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'BadRequestException',
  'NotFoundException',
]);
// AccountSuspendedException and SendingPausedException are the operator's to fix, not the caller's:
// they fall through to 503 upstream_unavailable with every other SES failure.
const THROTTLES = new Set(['TooManyRequestsException', 'LimitExceededException', 'ThrottlingException']);

/**
 * Sends through SES with the configuration set the email's tracking chooses (one per combination of
 * open and click tracking: lambdas/domains/email-tracking.ts). No sets (the local stack): none named.
 */
export function sesSender(client: SESv2Client, configurationSets: ConfigurationSets = {}): SendFunction {
  return async (email) => {
    const configurationSetName = configurationSetFor(configurationSets, email.tracking ?? NO_TRACKING);
    const message = await buildMimeMessage({ ...email, attachments: email.attachments ?? [] });
    // SES's Destination wants bare addresses; the display names are in the message's headers.
    const bare = (list: readonly string[]) => list.map((mailbox) => addressOf(mailbox) ?? mailbox);
    try {
      const result = await client.send(
        new SendEmailCommand({
          FromEmailAddress: message.fromHeader,
          Destination: {
            ToAddresses: bare(email.to),
            CcAddresses: bare(email.cc),
            BccAddresses: bare(email.bcc),
          },
          Content: { Raw: { Data: message.raw } },
          ...(email.tags.length > 0
            ? { EmailTags: email.tags.map(({ name, value }) => ({ Name: name, Value: value })) }
            : {}),
          ...(configurationSetName ? { ConfigurationSetName: configurationSetName } : {}),
        }),
      );
      if (!result.MessageId) throw new ApiError('upstream_unavailable');
      return result.MessageId;
    } catch (error) {
      throw mapSesError(error);
    }
  };
}

export function mapSesError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const name = error instanceof Error ? error.name : '';
  if (REJECTIONS.has(name)) {
    const detail = error instanceof Error && error.message ? ` ${error.message}` : '';
    return new ApiError('email_rejected', { message: `The email was rejected by SES.${detail}` });
  }
  if (THROTTLES.has(name)) return new ApiError('rate_limited');
  return new ApiError('upstream_unavailable');
}
