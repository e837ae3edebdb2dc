/**
 * The bodies of `POST /v1/sms` and `POST /v1/whatsapp`. Limits and their reasons are in
 * docs/decisions/0017-sms-and-whatsapp.md.
 */
import * as z from 'zod/mini';
import { parseE164, PHONE_NUMBER_RULE } from './phone-number.js';
import { withMeta } from '../api/schema-meta.js';

/** AWS End User Messaging SMS refuses a longer MessageBody; carriers split it into segments. */
export const MAX_SMS_BODY_LENGTH = 1600;
/** Meta's limit for a text message's body. */
export const MAX_WHATSAPP_TEXT_LENGTH = 4096;
/** A template's components as JSON: far above any real template, far below a DynamoDB item. */
export const MAX_COMPONENTS_JSON_BYTES = 16 * 1024;

const phoneNumber = withMeta(
  z.string().check(z.refine((value) => parseE164(value) !== undefined, PHONE_NUMBER_RULE)),
  { example: '+14155550123' },
);

export const sendSmsSchema = withMeta(
  z.strictObject({
    to: phoneNumber,
    body: withMeta(z.string().check(z.minLength(1), z.maxLength(MAX_SMS_BODY_LENGTH)), {
      description:
        'At most 1600 UTF-16 code units. Bodies longer than one segment (160 GSM-7 characters, or 70 when any character is outside the GSM alphabet) are sent as several segments.',
    }),
    from: withMeta(
      z.optional(
        z
          .string()
          .check(
            z.regex(
              /^[A-Za-z0-9+_:/.-]{1,256}$/,
              'must be a sender id, a phone number or an origination identity',
            ),
          ),
      ),
      {
        description:
          "One of this deployment's configured origination identities (sender id, phone number, pool or their id or ARN). Absent: the first one.",
      },
    ),
    type: withMeta(z.optional(z.enum(['transactional', 'promotional'])), {
      description: 'Carriers treat them differently (opt-outs, routes, quiet hours). Default transactional.',
    }),
  }),
  { id: 'SendSms' },
);

export type SendSmsInput = z.output<typeof sendSmsSchema>;

const whatsappText = z.strictObject({
  body: z.string().check(z.minLength(1), z.maxLength(MAX_WHATSAPP_TEXT_LENGTH)),
  preview_url: withMeta(z.optional(z.boolean()), {
    description: 'Let WhatsApp show a preview of the first URL.',
  }),
});

/** Meta's template component objects (header, body, button), passed on as they are. */
const templateComponent = z.looseObject({ type: z.enum(['header', 'body', 'button']) });

const whatsappTemplate = z.strictObject({
  name: z
    .string()
    .check(z.regex(/^[a-z0-9_]{1,512}$/, 'must be a template name: lower-case letters, digits and _')),
  language: withMeta(
    z.string().check(z.regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'must be a language code like en or en_US')),
    { example: 'en_US' },
  ),
  components: withMeta(
    z.optional(
      z.array(templateComponent).check(
        z.maxLength(20),
        z.refine(
          (list) => Buffer.byteLength(JSON.stringify(list)) <= MAX_COMPONENTS_JSON_BYTES,
          `must be at most ${MAX_COMPONENTS_JSON_BYTES / 1024} KB as JSON`,
        ),
      ),
    ),
    { description: "The template's parameters, as Meta's Cloud API `components` JSON." },
  ),
});

export const sendWhatsappSchema = withMeta(
  z
    .strictObject({
      to: phoneNumber,
      text: z.optional(whatsappText),
      template: z.optional(whatsappTemplate),
    })
    .check(
      z.superRefine((value, context) => {
        if ((value.text === undefined) === (value.template === undefined)) {
          context.addIssue({
            code: 'custom',
            path: [],
            message: 'must have exactly one of text and template',
          });
        }
      }),
    ),
  { id: 'SendWhatsapp' },
);

export type SendWhatsappInput = z.output<typeof sendWhatsappSchema>;
