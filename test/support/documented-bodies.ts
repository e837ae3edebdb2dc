/**
 * The documented error bodies (docs/architecture.md, docs/api.md "Errors"), `statusCode` and `name` (for
 * Resend's and SendGrid's clients) before `message` and `error_code`, copied verbatim as strings:
 * the tests compare what the code renders with the contract's text, not with the code's own constants.
 */
export const DOCUMENTED_BODIES = {
  invalid_api_key:
    '{"statusCode":401,"name":"invalid_api_key","message":"Missing or invalid API key.","error_code":"invalid_api_key"}',
  key_revoked:
    '{"statusCode":403,"name":"invalid_api_key","message":"This API key has been revoked.","error_code":"key_revoked"}',
  key_expired:
    '{"statusCode":403,"name":"invalid_api_key","message":"This API key has expired.","error_code":"key_expired"}',
  ip_not_allowed:
    '{"statusCode":403,"name":"restricted_api_key","message":"Access denied. Your IP address is not allowed.","error_code":"ip_not_allowed"}',
  insufficient_scope_templates_write:
    '{"statusCode":403,"name":"restricted_api_key","message":"Your API key does not have the required permissions for this action.","error_code":"insufficient_scope","required_scope":"templates:write"}',
  authorizer_unavailable:
    '{"statusCode":503,"name":"application_error","message":"Authorization is temporarily unavailable.","error_code":"authorizer_unavailable"}',
  not_found: '{"statusCode":404,"name":"not_found","message":"Not found.","error_code":"not_found"}',
} as const;

/** The message of the 403 a rotated key's previous secret gets on a permission route (docs/architecture.md). */
export const PREVIOUS_SECRET_REFUSED_MESSAGE =
  "This is the API key's previous secret, which works during a rotation's grace period on scope routes only: it cannot manage API keys or read the audit log. Use the secret the rotation returned.";

/**
 * The insufficient_scope body for a route's requirement, built from the documented templates:write
 * row: `required_scope` for a scope route, `required_permission` for a permission route.
 */
export function documentedInsufficientScopeBody(
  requirement: string | { readonly scope?: string | undefined; readonly permission?: string | undefined },
): unknown {
  const { required_scope: _documented, ...body } = JSON.parse(
    DOCUMENTED_BODIES.insufficient_scope_templates_write,
  ) as Record<string, unknown>;
  if (typeof requirement === 'string') return { ...body, required_scope: requirement };
  return requirement.scope !== undefined
    ? { ...body, required_scope: requirement.scope }
    : { ...body, required_permission: requirement.permission };
}
