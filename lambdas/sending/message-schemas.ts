/**
 * The bodies of `POST /v1/sms` and `POST /v1/whatsapp`. Limits and their reasons are in
 * docs/decisions.md, "SMS and WhatsApp".
 */
import { z } from 'zod';
import { parseE164, PHONE_NUMBER_RULE } from '../core/phone-number.js';

/** AWS End User Messaging SMS refuses a longer MessageBody; carriers split it into segments. */
export const MAX_SMS_BODY_LENGTH = 1600;
/** Meta's limit for a text message's body. */
export const MAX_WHATSAPP_TEXT_LENGTH = 4096;
/** A template's components as JSON: far above any real template, far below a DynamoDB item. */
export const MAX_COMPONENTS_JSON_BYTES = 16 * 1024;

const phoneNumber = z
  .string()
  .refine((value) => parseE164(value) !== undefined, PHONE_NUMBER_RULE)
  .meta({ example: '+14155550123' });

export const sendSmsSchema = z
  .object({
    to: phoneNumber,
    body: z.string().min(1).max(MAX_SMS_BODY_LENGTH).meta({
      description:
        'At most 1600 UTF-16 code units. Bodies longer than one segment (160 GSM-7 characters, or 70 when any character is outside the GSM alphabet) are sent as several segments.',
    }),
    from: z
      .string()
      .regex(/^[A-Za-z0-9+_:/.-]{1,256}$/, 'must be a sender id, a phone number or an origination identity')
      .optional()
      .meta({
        description:
          "One of this deployment's configured origination identities (sender id, phone number, pool or their id or ARN). Absent: the first one.",
      }),
    type: z.enum(['transactional', 'promotional']).optional().meta({
      description: 'Carriers treat them differently (opt-outs, routes, quiet hours). Default transactional.',
    }),
  })
  .strict()
  .meta({ id: 'SendSms' });

export type SendSmsInput = z.output<typeof sendSmsSchema>;

const whatsappText = z
  .object({
    body: z.string().min(1).max(MAX_WHATSAPP_TEXT_LENGTH),
    preview_url: z
      .boolean()
      .optional()
      .meta({ description: 'Let WhatsApp show a preview of the first URL.' }),
  })
  .strict();

/** Meta's template component objects (header, body, button), passed on as they are. */
const templateComponent = z.looseObject({ type: z.enum(['header', 'body', 'button']) });

const whatsappTemplate = z
  .object({
    name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'must be a template name: lower-case letters, digits and _'),
    language: z
      .string()
      .regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'must be a language code like en or en_US')
      .meta({ example: 'en_US' }),
    components: z
      .array(templateComponent)
      .max(20)
      .refine(
        (list) => Buffer.byteLength(JSON.stringify(list)) <= MAX_COMPONENTS_JSON_BYTES,
        `must be at most ${MAX_COMPONENTS_JSON_BYTES / 1024} KB as JSON`,
      )
      .optional()
      .meta({ description: "The template's parameters, as Meta's Cloud API `components` JSON." }),
  })
  .strict();

export const sendWhatsappSchema = z
  .object({
    to: phoneNumber,
    text: whatsappText.optional(),
    template: whatsappTemplate.optional(),
  })
  .strict()
  .superRefine((value, context) => {
    if ((value.text === undefined) === (value.template === undefined)) {
      context.addIssue({ code: 'custom', path: [], message: 'must have exactly one of text and template' });
    }
  })
  .meta({ id: 'SendWhatsapp' });

export type SendWhatsappInput = z.output<typeof sendWhatsappSchema>;
