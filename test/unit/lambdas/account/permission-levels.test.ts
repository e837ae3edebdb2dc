import { describe, expect, it } from 'vitest';
import {
  expandPermissions,
  RESOURCES,
  RESOURCE_SCOPES,
} from '../../../../lambdas/account/permission-levels.js';
import { GENERAL_SCOPES } from '../../../../lambdas/api/scopes.js';

describe('expandPermissions', () => {
  it('derives the resources from the scope table', () => {
    expect(RESOURCES).toEqual([
      'emails',
      'templates',
      'domains',
      'webhooks',
      'projects',
      'sms',
      'whatsapp',
      'audience',
      'broadcasts',
      'suppressions',
    ]);
    expect(Object.values(RESOURCE_SCOPES).flat().sort()).toEqual(Object.keys(GENERAL_SCOPES).sort());
  });

  it.each([
    [{ templates: 'read' }, ['templates:read']],
    [{ templates: 'full' }, ['templates:read', 'templates:write']],
    [{ emails: 'full' }, ['emails:send', 'emails:read']],
    [{ emails: 'read', sms: 'full', domains: 'none' }, ['emails:read', 'sms:send']],
    [{ projects: 'full' }, ['projects:read']],
    [{ templates: 'none' }, []],
    [{}, []],
  ])('%j → %j', (levels, scopes) => {
    expect(expandPermissions(levels)).toEqual({ scopes });
  });

  it('full on every resource is every scope', () => {
    const all = Object.fromEntries(RESOURCES.map((resource) => [resource, 'full']));
    expect(expandPermissions(all)).toEqual({ scopes: Object.keys(GENERAL_SCOPES) });
  });

  it.each([
    [{ billing: 'full' }, 'permissions.billing', 'is not a resource'],
    [{ constructor: 'full' }, 'permissions.constructor', 'is not a resource'],
    [{ emails: 'write' }, 'permissions.emails', 'must be one of none, read, full'],
    [{ sms: 'read' }, 'permissions.sms', 'must be none or full (sms has no read level)'],
  ])('refuses %j at %s', (levels, path, message) => {
    const expanded = expandPermissions(levels);
    expect('errors' in expanded && expanded.errors).toEqual([
      { path, message: expect.stringContaining(message) },
    ]);
  });
});
