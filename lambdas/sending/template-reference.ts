/**
 * The `template` field of a send: which template (its id or alias) and the values of its variables.
 * Declarations, types and fallbacks are checked once the template is read (email-template.ts).
 */
import * as z from 'zod/mini';
import { withMeta } from '../api/schema-meta.js';
import { MAX_SEND_VARIABLES_JSON_BYTES, jsonBytes } from '../templates/template-rules.js';

export const templateReferenceSchema = withMeta(
  z.strictObject({
    id: withMeta(z.string().check(z.minLength(1), z.maxLength(100)), {
      description: 'The template id, `tpl_…`, or its alias.',
      example: 'welcome',
    }),
    variables: withMeta(
      z.optional(
        z
          .record(
            z.string().check(z.maxLength(64)),
            z.union([z.string(), z.number(), z.boolean()], {
              error: 'must be a string, a number, or true or false',
            }),
          )
          .check(
            z.refine(
              (values) => jsonBytes(values) <= MAX_SEND_VARIABLES_JSON_BYTES,
              `must be at most ${MAX_SEND_VARIABLES_JSON_BYTES} bytes as JSON`,
            ),
          ),
      ),
      { description: 'A value for each variable the template uses that has no fallback.' },
    ),
  }),
  { description: 'Render this template; subject, html, text, from and reply_to given here win.' },
);

export type TemplateReferenceInput = z.output<typeof templateReferenceSchema>;
