/**
 * AWS End User Messaging SMS (pinpoint-sms-voice-v2: awsJson1_0, signing name `sms-voice`,
 * `sms-voice.<region>.amazonaws.com`) with the one call scopegate makes, SendTextMessage, laid out as
 * the SDK's PinpointSMSVoiceV2Client serializes it.
 */
import type { CallBounds } from '../call-bounds.js';
import { answerObject, stringOf } from './json.js';
import { awsJson10Request, jsonErrorOf } from './protocols.js';
import { createSignedClient } from './signed-client.js';
import type { AwsTarget, ServiceAddress } from './target.js';

export const SMS_ADDRESS: ServiceAddress = {
  hostPrefix: 'sms-voice',
  endpointVariable: 'PINPOINT_SMS_VOICE_V2',
};

export interface SendTextMessageInput {
  readonly DestinationPhoneNumber: string;
  readonly OriginationIdentity: string;
  readonly MessageBody: string;
  readonly MessageType: 'TRANSACTIONAL' | 'PROMOTIONAL';
  readonly ConfigurationSetName?: string;
}

export interface SmsClient {
  /** Answers the message id (undefined only from a broken answer). */
  sendTextMessage(input: SendTextMessageInput): Promise<{ readonly MessageId: string | undefined }>;
  destroy(): void;
}

export function createSmsClient(target: AwsTarget, bounds: CallBounds): SmsClient {
  const client = createSignedClient({
    ...target,
    bounds,
    signingName: 'sms-voice',
    errorOf: jsonErrorOf('AWS End User Messaging SMS'),
  });
  return {
    async sendTextMessage(input) {
      const answer = await client.call(awsJson10Request('PinpointSMSVoiceV2', 'SendTextMessage', input));
      return { MessageId: stringOf(answerObject(answer.body, 'AWS End User Messaging SMS').MessageId) };
    },
    destroy: () => client.destroy(),
  };
}
