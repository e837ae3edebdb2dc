/**
 * Evaluates an authorizer's IAM policy against a method ARN the way API Gateway does: an explicit
 * Deny wins, otherwise some Allow must match; `*` and `?` are wildcards in Resource.
 */
import type { APIGatewayAuthorizerResult } from 'aws-lambda';

export function policyAllows(
  policy: APIGatewayAuthorizerResult['policyDocument'],
  methodArn: string,
): boolean {
  let allowed = false;
  for (const statement of policy.Statement) {
    if (!('Resource' in statement) || !('Action' in statement) || !statement.Action || !statement.Resource)
      continue;
    const actions = toList(statement.Action);
    // IAM action names are case-insensitive; resources are not.
    if (!actions.some((action) => matchesWildcard(action.toLowerCase(), 'execute-api:invoke'))) continue;
    const matches = toList(statement.Resource).some((resource) => matchesWildcard(resource, methodArn));
    if (!matches) continue;
    if (statement.Effect === 'Deny') return false;
    if (statement.Effect === 'Allow') allowed = true;
  }
  return allowed;
}

function toList(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

export function matchesWildcard(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(value);
}
