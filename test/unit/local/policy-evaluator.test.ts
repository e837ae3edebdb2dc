/** The local gateway's reading of an authorizer policy, against IAM's rules for execute-api. */
import { describe, expect, it } from 'vitest';
import { matchesWildcard, policyAllows } from '../../../local/policy-evaluator.js';

const ARN = 'arn:aws:execute-api:local:000000000000:scopegate/local/GET/v1/emails/em_1';
const statement = (
  Effect: 'Allow' | 'Deny',
  Resource: string | string[],
  Action: string | string[] = 'execute-api:Invoke',
) => ({
  Effect,
  Resource,
  Action,
});
const policy = (...Statement: ReturnType<typeof statement>[]) => ({ Version: '2012-10-17', Statement });

describe('policyAllows', () => {
  it.each([
    ['an Allow for the exact ARN', policy(statement('Allow', ARN)), true],
    ['an Allow with a path wildcard', policy(statement('Allow', ARN.replace('em_1', '*'))), true],
    [
      'an Allow with the action in another case (IAM actions are case-insensitive)',
      policy(statement('Allow', ARN, 'Execute-API:invoke')),
      true,
    ],
    ['an Allow for another route', policy(statement('Allow', ARN.replace('GET', 'POST'))), false],
    ['an explicit Deny beside an Allow', policy(statement('Allow', '*'), statement('Deny', ARN)), false],
    ['an Allow for another action', policy(statement('Allow', ARN, 'execute-api:ManageConnections')), false],
    ['no statement at all', policy(), false],
  ])('%s → %s', (_case, document, allowed) => {
    expect(policyAllows(document, ARN)).toBe(allowed);
  });
});

describe('matchesWildcard', () => {
  it.each([
    ['a*c', 'abbbc', true],
    ['a?c', 'abc', true],
    ['a?c', 'abbc', false],
    ['a.c', 'abc', false],
    ['(x)', '(x)', true],
  ])('%s vs %s → %s', (pattern, value, expected) => {
    expect(matchesWildcard(pattern, value)).toBe(expected);
  });
});
