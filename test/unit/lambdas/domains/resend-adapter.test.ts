/** The Resend domains adapter's pure mappings: which options are refused, and Resend's domain shape. */
import { describe, expect, it } from 'vitest';
import type { DomainJson } from '../../../../lambdas/domains/domains.js';
import {
  refusedDomainOption,
  type ResendDomainOptions,
  resendDomainOf,
} from '../../../../lambdas/domains/resend-adapter.js';

const REGION = 'eu-west-1';

describe('refusedDomainOption', () => {
  it.each<[ResendDomainOptions, string | undefined, string | undefined]>([
    [{}, undefined, undefined],
    [{ region: REGION, custom_return_path: 'send', tls: 'opportunistic' }, undefined, undefined],
    [{ capabilities: { sending: 'enabled', receiving: 'disabled' } }, undefined, undefined],
    [{ region: 'us-east-1' }, 'invalid_region', 'region'],
    [{ custom_return_path: 'bounce' }, 'invalid_parameter', 'custom_return_path'],
    [{ tls: 'enforced' }, 'invalid_parameter', 'tls'],
    [{ capabilities: { sending: 'disabled' } }, 'invalid_parameter', 'capabilities.sending'],
    [{ capabilities: { receiving: 'enabled' } }, 'invalid_parameter', 'capabilities.receiving'],
  ])('%j → %s naming %s', (options, code, field) => {
    const refused = refusedDomainOption(options, REGION);
    expect(refused?.code).toBe(code);
    expect(refused?.errors?.[0]?.path).toBe(field);
  });
});

const DOMAIN: DomainJson = {
  object: 'domain',
  id: 'dom_0VbnqK3m8a2Jx7Qp1Zr5Tt9Lw',
  name: 'example.com',
  status: 'temporary_failure',
  records: [
    {
      purpose: 'dkim',
      type: 'CNAME',
      name: 't1._domainkey.example.com',
      value: 't1.dkim',
      status: 'verified',
    },
    {
      purpose: 'mail_from_mx',
      type: 'MX',
      name: 'send.example.com',
      value: 'feedback',
      priority: 10,
      status: 'pending',
    },
    {
      purpose: 'mail_from_spf',
      type: 'TXT',
      name: 'send.example.com',
      value: 'v=spf1',
      status: 'temporary_failure',
    },
    { purpose: 'dmarc', type: 'TXT', name: '_dmarc.example.com', value: 'v=DMARC1', status: 'not_checked' },
  ],
  created_at: '2026-11-24T14:30:00.000Z',
  updated_at: '2026-11-24T14:30:00.000Z',
  verified_at: null,
  open_tracking: true,
  click_tracking: false,
};

describe('resendDomainOf', () => {
  it("answers DKIM and the MAIL FROM's records as SPF, without the DMARC suggestion; a temporary failure is pending", () => {
    expect(resendDomainOf(DOMAIN, REGION)).toEqual({
      object: 'domain',
      id: DOMAIN.id,
      name: 'example.com',
      status: 'pending',
      created_at: DOMAIN.created_at,
      region: REGION,
      capabilities: { sending: 'enabled', receiving: 'disabled' },
      open_tracking: true,
      click_tracking: false,
      records: [
        {
          record: 'DKIM',
          name: 't1._domainkey.example.com',
          type: 'CNAME',
          ttl: 'Auto',
          status: 'verified',
          value: 't1.dkim',
        },
        {
          record: 'SPF',
          name: 'send.example.com',
          type: 'MX',
          ttl: 'Auto',
          status: 'pending',
          value: 'feedback',
          priority: 10,
        },
        {
          record: 'SPF',
          name: 'send.example.com',
          type: 'TXT',
          ttl: 'Auto',
          status: 'temporary_failure',
          value: 'v=spf1',
        },
      ],
    });
  });
});
