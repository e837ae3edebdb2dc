/**
 * OpenAPI metadata (description, example, format, a component `id`) for the zod/mini schemas the
 * Lambdas validate with. docs/openapi.ts reads it from zod's global registry through zod-openapi.
 *
 * It is attached as classic zod's `.meta()` attaches it: to a clone, registered in the global
 * registry. A clone leaves the original as it was, so one shared schema (a timestamp) can carry a
 * different description in each place it is used. zod/mini's `z.meta()` check would instead travel
 * inside the schema's checks: `z.extend` copies checks, so an extended object would register its
 * base's component `id` again (two components of one name), and `z.partial`/`z.pick` refuse an
 * object that has checks at all.
 */
import * as z from 'zod/mini';

export type SchemaMeta = z.core.GlobalMeta;

/** A copy of `schema` documented with `meta` (the metadata `schema` already had is inherited). */
export function withMeta<T extends z.ZodMiniType>(schema: T, meta: SchemaMeta): T {
  const documented = schema.clone();
  z.globalRegistry.add(documented, meta);
  return documented;
}
