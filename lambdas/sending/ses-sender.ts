/** The one SES call: SES v2 SendEmail, with SES's errors mapped to API errors. */
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { ApiError } from '../core/errors.js';
import type { EmailEnvelope } from './envelope.js';

export interface OutgoingEmail extends EmailEnvelope {
  readonly html?: string | undefined;
  readonly text?: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
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

export function sesSender(client: SESv2Client, configurationSetName?: string): SendFunction {
  return async (email) => {
    try {
      const result = await client.send(
        new SendEmailCommand({
          FromEmailAddress: email.from,
          Destination: {
            ToAddresses: [...email.to],
            CcAddresses: [...email.cc],
            BccAddresses: [...email.bcc],
          },
          ReplyToAddresses: [...email.replyTo],
          Content: {
            Simple: {
              Subject: { Data: email.subject, Charset: 'UTF-8' },
              Body: {
                ...(email.html ? { Html: { Data: email.html, Charset: 'UTF-8' } } : {}),
                ...(email.text ? { Text: { Data: email.text, Charset: 'UTF-8' } } : {}),
              },
              ...(Object.keys(email.headers).length > 0
                ? { Headers: Object.entries(email.headers).map(([Name, Value]) => ({ Name, Value })) }
                : {}),
            },
          },
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
