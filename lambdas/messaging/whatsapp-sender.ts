/**
 * The one WhatsApp call: AWS End User Messaging Social SendWhatsAppMessage, whose `message` is
 * Meta's Cloud API message JSON (built by whatsappMessageJson), and its errors mapped to API errors.
 */
import { SendWhatsAppMessageCommand, type SocialMessagingClient } from '@aws-sdk/client-socialmessaging';
import { ApiError } from '../api/errors.js';
import type { SendWhatsappInput } from './message-schemas.js';
import { mapProviderError } from './sms-sender.js';

/** The Graph API version the message JSON is written for. */
export const META_API_VERSION = 'v20.0';

export interface OutgoingWhatsapp {
  readonly phoneNumberId: string;
  readonly message: Readonly<Record<string, unknown>>;
}

/** Answers the provider's message id. */
export type WhatsappSendFunction = (message: OutgoingWhatsapp) => Promise<string>;

const REJECTIONS = new Set(['ValidationException', 'InvalidParametersException']);
const THROTTLES = new Set(['ThrottledRequestException', 'LimitExceededException']);

export function whatsappSender(client: SocialMessagingClient): WhatsappSendFunction {
  return async ({ phoneNumberId, message }) => {
    try {
      const result = await client.send(
        new SendWhatsAppMessageCommand({
          originationPhoneNumberId: phoneNumberId,
          message: new TextEncoder().encode(JSON.stringify(message)),
          metaApiVersion: META_API_VERSION,
        }),
      );
      if (!result.messageId) throw new ApiError('upstream_unavailable');
      return result.messageId;
    } catch (error) {
      throw mapProviderError(error, 'AWS End User Messaging Social', REJECTIONS, THROTTLES);
    }
  };
}

/** Meta's Cloud API message JSON for a text or a template message. Pure. */
export function whatsappMessageJson(input: SendWhatsappInput): Record<string, unknown> {
  const envelope = { messaging_product: 'whatsapp', recipient_type: 'individual', to: input.to };
  if (input.template) {
    return {
      ...envelope,
      type: 'template',
      template: {
        name: input.template.name,
        language: { code: input.template.language },
        ...(input.template.components ? { components: input.template.components } : {}),
      },
    };
  }
  return {
    ...envelope,
    type: 'text',
    text: {
      body: input.text?.body ?? '',
      ...(input.text?.preview_url === undefined ? {} : { preview_url: input.text.preview_url }),
    },
  };
}
