/**
 * The one SMS call: AWS End User Messaging SMS (pinpoint-sms-voice-v2) SendTextMessage, and its
 * errors mapped to API errors.
 */
import { type PinpointSMSVoiceV2Client, SendTextMessageCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { ApiError } from '../api/errors.js';

export interface OutgoingSms {
  readonly to: string;
  readonly body: string;
  readonly originationIdentity: string;
  readonly messageType: 'transactional' | 'promotional';
}

/** Answers the provider's message id. */
export type SmsSendFunction = (sms: OutgoingSms) => Promise<string>;

/** The caller can fix these: an invalid or opted-out destination, a body the service refuses. */
const REJECTIONS = new Set(['ValidationException', 'ConflictException']);
const THROTTLES = new Set(['ThrottlingException', 'ServiceQuotaExceededException']);

export function smsSender(
  client: PinpointSMSVoiceV2Client,
  options: { configurationSetName?: string | undefined } = {},
): SmsSendFunction {
  return async (sms) => {
    try {
      const result = await client.send(
        new SendTextMessageCommand({
          DestinationPhoneNumber: sms.to,
          OriginationIdentity: sms.originationIdentity,
          MessageBody: sms.body,
          MessageType: sms.messageType === 'promotional' ? 'PROMOTIONAL' : 'TRANSACTIONAL',
          ...(options.configurationSetName ? { ConfigurationSetName: options.configurationSetName } : {}),
        }),
      );
      if (!result.MessageId) throw new ApiError('upstream_unavailable');
      return result.MessageId;
    } catch (error) {
      throw mapProviderError(error, 'AWS End User Messaging SMS', REJECTIONS, THROTTLES);
    }
  };
}

/**
 * A provider's error as an API error: a rejection the caller can fix is a 422 with the provider's
 * reason, a throttle a 429, anything else (access, outages, the operator's account) a 503.
 */
export function mapProviderError(
  error: unknown,
  provider: string,
  rejections: ReadonlySet<string>,
  throttles: ReadonlySet<string>,
): ApiError {
  if (error instanceof ApiError) return error;
  const name = error instanceof Error ? error.name : '';
  if (rejections.has(name)) {
    const detail = error instanceof Error && error.message ? ` ${error.message}` : '';
    return new ApiError('message_rejected', { message: `The message was rejected by ${provider}.${detail}` });
  }
  if (throttles.has(name)) return new ApiError('rate_limited');
  return new ApiError('upstream_unavailable');
}
