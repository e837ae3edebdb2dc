/**
 * The `template` field of a send: which template (its id or alias) and the values of its variables.
 * Declarations, types and fallbacks are checked once the template is read (email-template.ts).
 */
import { z } from 'zod';
import { MAX_SEND_VARIABLES_JSON_BYTES, jsonBytes } from '../templates/template-rules.js';

export const templateReferenceSchema = z
  .object({
    id: z
      .string()
      .min(1)
      .max(100)
      .meta({ description: 'The template id, `tpl_…`, or its alias.', example: 'welcome' }),
    variables: z
      .record(
        z.string().max(64),
        z.union([z.string(), z.number(), z.boolean()], {
          error: 'must be a string, a number, or true or false',
        }),
      )
      .refine(
        (values) => jsonBytes(values) <= MAX_SEND_VARIABLES_JSON_BYTES,
        `must be at most ${MAX_SEND_VARIABLES_JSON_BYTES} bytes as JSON`,
      )
      .optional()
      .meta({ description: 'A value for each variable the template uses that has no fallback.' }),
  })
  .strict()
  .meta({ description: 'Render this template; subject, html, text, from and reply_to given here win.' });

export type TemplateReferenceInput = z.output<typeof templateReferenceSchema>;
