/**
 * The key JSON of a hand-edited item: a restriction the authorizer cannot read is named in
 * `malformed` and never shown as its widest value.
 */
import { describe, expect, it } from 'vitest';
import { keyJson, keyMetadata } from '../../../../lambdas/account/key-metadata.js';
import { DynamoNumber } from '../../../../lambdas/aws/attribute-values.js';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const ITEM = {
  keyId: 'AbCdEfGhIjKl',
  keyHash: 'a'.repeat(64),
  teamId: 'team_1',
  projectId: 'proj_1',
  name: 'ci',
  permission: 'full_access',
};
const json = (extra: Record<string, unknown>) => keyJson(keyMetadata({ ...ITEM, ...extra }, 'test', NOW));

describe('keyJson of a hand-edited item', () => {
  it('names no field for a well-formed item', () => {
    expect(json({ allowedIps: ['10.0.0.1'], allowedDomains: ['example.com'] }).malformed).toEqual([]);
  });

  it.each([
    ['allowedIps NULL', { allowedIps: null }, ['allowed_ips']],
    ['allowedIps with an invalid entry', { allowedIps: '10.0.0.1, 010.0.0.1' }, ['allowed_ips']],
    ['allowedIps a map', { allowedIps: { a: '1' } }, ['allowed_ips']],
    ['allowedDomains NULL', { allowedDomains: null }, ['allowed_domains']],
    ['allowedDomains a number', { allowedDomains: new DynamoNumber('3') }, ['allowed_domains']],
    ['expiresAt NULL', { expiresAt: null }, ['expires_at']],
    ['expiresAt empty', { expiresAt: '' }, ['expires_at']],
    ['expiresAt not a date', { expiresAt: 'tomorrow' }, ['expires_at']],
    ['rateLimitPerSecond NULL', { rateLimitPerSecond: null }, ['rate_limit_per_second']],
    [
      'all four at once',
      { allowedIps: null, allowedDomains: null, expiresAt: '', rateLimitPerSecond: 'fast' },
      ['allowed_ips', 'allowed_domains', 'expires_at', 'rate_limit_per_second'],
    ],
  ])('%s is named in malformed', (_name, extra, fields) => {
    expect(json(extra).malformed).toEqual(fields);
  });

  it('shows NULL allowedIps as unreadable, never as the empty list that means any IP', () => {
    const key = json({ allowedIps: null });
    expect(key.allowed_ips).toEqual(['(unreadable)']);
    expect(key.status).toBe('invalid');
  });

  it('shows NULL allowedDomains as no domain and an unreadable expiry as expired', () => {
    expect(json({ allowedDomains: null }).allowed_domains).toEqual([]);
    expect(json({ expiresAt: '' }).status).toBe('expired');
  });

  it('an empty allowedIps (any IP, by contract) and an empty domain list (none) are readable', () => {
    expect(json({ allowedIps: '', allowedDomains: [] })).toMatchObject({
      allowed_ips: [],
      allowed_domains: [],
      malformed: [],
    });
  });
});
