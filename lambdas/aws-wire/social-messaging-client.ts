/**
 * AWS End User Messaging Social (socialmessaging: restJson1, signing name `social-messaging`,
 * `social-messaging.<region>.amazonaws.com`) with the one call scopegate makes, SendWhatsAppMessage
 * (`POST /v1/whatsapp/send`, the message blob as base64), laid out as the SDK's
 * SocialMessagingClient serializes it.
 */
import type { CallBounds } from '../call-bounds.js';
import { answerObject, stringOf } from './json.js';
import { jsonErrorOf, restJsonRequest } from './protocols.js';
import { createSignedClient } from './signed-client.js';
import type { AwsTarget, ServiceAddress } from './target.js';

export const SOCIAL_MESSAGING_ADDRESS: ServiceAddress = {
  hostPrefix: 'social-messaging',
  endpointVariable: 'SOCIALMESSAGING',
};

export interface SendWhatsAppMessageInput {
  readonly originationPhoneNumberId: string;
  /** Meta's Cloud API message JSON, as bytes. */
  readonly message: Uint8Array;
  readonly metaApiVersion: string;
}

export interface SocialMessagingClient {
  /** Answers the message id (undefined only from a broken answer). */
  sendWhatsAppMessage(input: SendWhatsAppMessageInput): Promise<{ readonly messageId: string | undefined }>;
  destroy(): void;
}

export function createSocialMessagingClient(target: AwsTarget, bounds: CallBounds): SocialMessagingClient {
  const service = 'AWS End User Messaging Social';
  const client = createSignedClient({
    ...target,
    bounds,
    signingName: 'social-messaging',
    errorOf: jsonErrorOf(service),
  });
  return {
    async sendWhatsAppMessage(input) {
      const answer = await client.call(restJsonRequest('POST', '/v1/whatsapp/send', input));
      return { messageId: stringOf(answerObject(answer.body, service).messageId) };
    },
    destroy: () => client.destroy(),
  };
}
