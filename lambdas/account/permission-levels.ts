/**
 * Per-resource access levels as input (SendGrid's No / Read / Full): `{"templates":"read",
 * "emails":"full"}` expands to scopes. The resources are read from the scope table (the part before
 * the colon), so a scope added there is a resource here without another edit. Stored and answered as
 * scopes only.
 */
import type { FieldError } from '../api/errors.js';
import { GENERAL_SCOPES, type GeneralScope } from '../api/scopes.js';

export const ACCESS_LEVELS = ['none', 'read', 'full'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

const ALL_SCOPES = Object.keys(GENERAL_SCOPES) as GeneralScope[];

/** Each resource and its scopes, in the scope table's order. */
export const RESOURCE_SCOPES: Readonly<Record<string, readonly GeneralScope[]>> = ALL_SCOPES.reduce<
  Record<string, GeneralScope[]>
>((resources, scope) => {
  const resource = scope.slice(0, scope.indexOf(':'));
  (resources[resource] ??= []).push(scope);
  return resources;
}, {});

export const RESOURCES = Object.keys(RESOURCE_SCOPES);

/**
 * `read` gives `<resource>:read`, `full` every scope of the resource, `none` nothing. A resource with
 * no read scope (`sms`, `whatsapp`: send only) cannot be given `read`: that is an error rather than a
 * silent "nothing". An unknown resource or level is an error naming it.
 */
export function expandPermissions(
  levels: Readonly<Record<string, string>>,
): { readonly scopes: GeneralScope[] } | { readonly errors: FieldError[] } {
  const errors: FieldError[] = [];
  const wanted = new Set<GeneralScope>();
  for (const [resource, level] of Object.entries(levels)) {
    const path = `permissions.${resource}`;
    const scopes = Object.hasOwn(RESOURCE_SCOPES, resource) ? RESOURCE_SCOPES[resource] : undefined;
    if (scopes === undefined) {
      errors.push({ path, message: `is not a resource; resources are ${RESOURCES.join(', ')}` });
      continue;
    }
    if (!(ACCESS_LEVELS as readonly string[]).includes(level)) {
      errors.push({ path, message: `must be one of ${ACCESS_LEVELS.join(', ')}` });
      continue;
    }
    if (level === 'read') {
      const read = scopes.find((scope) => scope.endsWith(':read'));
      if (read === undefined)
        errors.push({ path, message: `must be none or full (${resource} has no read level)` });
      else wanted.add(read);
    } else if (level === 'full') {
      for (const scope of scopes) wanted.add(scope);
    }
  }
  if (errors.length > 0) return { errors };
  return { scopes: ALL_SCOPES.filter((scope) => wanted.has(scope)) };
}
