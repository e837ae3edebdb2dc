import { describe, expect, it } from 'vitest';
import { dnsRecords, statusChangeEvent, statusFromSes } from '../../../../lambdas/domains/dns-records.js';

describe('dnsRecords', () => {
  it('answers three DKIM CNAMEs, the MAIL FROM MX and SPF on send.<name>, and a DMARC suggestion', () => {
    const records = dnsRecords('example.com', 'eu-west-1', {
      dkimTokens: ['t1', 't2', 't3'],
      dkimStatus: 'SUCCESS',
      mailFromStatus: 'PENDING',
    });
    expect(records).toEqual([
      {
        purpose: 'dkim',
        type: 'CNAME',
        name: 't1._domainkey.example.com',
        value: 't1.dkim.amazonses.com',
        status: 'verified',
      },
      {
        purpose: 'dkim',
        type: 'CNAME',
        name: 't2._domainkey.example.com',
        value: 't2.dkim.amazonses.com',
        status: 'verified',
      },
      {
        purpose: 'dkim',
        type: 'CNAME',
        name: 't3._domainkey.example.com',
        value: 't3.dkim.amazonses.com',
        status: 'verified',
      },
      {
        purpose: 'mail_from_mx',
        type: 'MX',
        name: 'send.example.com',
        value: 'feedback-smtp.eu-west-1.amazonses.com',
        priority: 10,
        status: 'pending',
      },
      {
        purpose: 'mail_from_spf',
        type: 'TXT',
        name: 'send.example.com',
        value: 'v=spf1 include:amazonses.com ~all',
        status: 'pending',
      },
      {
        purpose: 'dmarc',
        type: 'TXT',
        name: '_dmarc.example.com',
        value: 'v=DMARC1; p=none;',
        status: 'not_checked',
      },
    ]);
  });
});

describe('statusFromSes', () => {
  it.each([
    ['SUCCESS', 'verified'],
    ['FAILED', 'failed'],
    ['TEMPORARY_FAILURE', 'temporary_failure'],
    ['PENDING', 'pending'],
    ['NOT_STARTED', 'pending'],
    [undefined, 'pending'],
    ['SOMETHING_NEW', 'pending'],
  ] as const)('%s is %s', (ses, status) => {
    expect(statusFromSes(ses)).toBe(status);
  });
});

describe('statusChangeEvent: an event on a change to verified or failed, and only then', () => {
  it.each([
    ['pending', 'verified', 'domain.verified'],
    ['failed', 'verified', 'domain.verified'],
    ['pending', 'failed', 'domain.failed'],
    ['verified', 'failed', 'domain.failed'],
    ['verified', 'verified', undefined],
    ['failed', 'failed', undefined],
    ['pending', 'pending', undefined],
    ['verified', 'temporary_failure', undefined],
    ['verified', 'pending', undefined],
  ] as const)('%s → %s fires %s', (before, after, event) => {
    expect(statusChangeEvent(before, after)).toBe(event);
  });
});
