/**
 * The DNS records a domain owner publishes, ready to paste, and the domain's status, from what SES
 * says about its identity. Pure: lambdas/domains/ses-identities.ts reads SES, this shapes the answer.
 */

export const MAIL_FROM_LABEL = 'send';

export type DomainStatus = 'pending' | 'verified' | 'failed' | 'temporary_failure';
/** A DMARC record is a suggestion SES never checks: `not_checked`. */
export type RecordStatus = DomainStatus | 'not_checked';

export interface DnsRecord {
  readonly purpose: 'dkim' | 'mail_from_mx' | 'mail_from_spf' | 'dmarc';
  readonly type: 'CNAME' | 'MX' | 'TXT';
  readonly name: string;
  readonly value: string;
  readonly priority?: number;
  readonly status: RecordStatus;
}

/** What SES answers about an identity, in SES's own words (GetEmailIdentity / CreateEmailIdentity). */
export interface IdentityState {
  /** Easy DKIM's three tokens. */
  readonly dkimTokens: readonly string[];
  /** VerificationStatus: PENDING | SUCCESS | FAILED | TEMPORARY_FAILURE | NOT_STARTED. */
  readonly verificationStatus?: string | undefined;
  /** DkimAttributes.Status, same values. */
  readonly dkimStatus?: string | undefined;
  /** MailFromAttributes.MailFromDomainStatus: PENDING | SUCCESS | FAILED | TEMPORARY_FAILURE. */
  readonly mailFromStatus?: string | undefined;
}

/** SES's status words as the API's; anything unknown or not started yet is still `pending`. */
export function statusFromSes(status: string | undefined): DomainStatus {
  switch (status) {
    case 'SUCCESS':
      return 'verified';
    case 'FAILED':
      return 'failed';
    case 'TEMPORARY_FAILURE':
      return 'temporary_failure';
    default:
      return 'pending';
  }
}

export const mailFromDomain = (name: string): string => `${MAIL_FROM_LABEL}.${name}`;

/**
 * Three DKIM CNAMEs, the MAIL FROM MX and SPF TXT on `send.<name>` (SES's feedback endpoint of the
 * stack's region), and a DMARC TXT suggestion (`p=none`: report only, so publishing it can never
 * bounce mail that worked before).
 */
export function dnsRecords(name: string, region: string, state: IdentityState): DnsRecord[] {
  const dkim = statusFromSes(state.dkimStatus);
  const mailFrom = statusFromSes(state.mailFromStatus);
  return [
    ...state.dkimTokens.map((token): DnsRecord => ({
      purpose: 'dkim',
      type: 'CNAME',
      name: `${token}._domainkey.${name}`,
      value: `${token}.dkim.amazonses.com`,
      status: dkim,
    })),
    {
      purpose: 'mail_from_mx',
      type: 'MX',
      name: mailFromDomain(name),
      value: `feedback-smtp.${region}.amazonses.com`,
      priority: 10,
      status: mailFrom,
    },
    {
      purpose: 'mail_from_spf',
      type: 'TXT',
      name: mailFromDomain(name),
      value: 'v=spf1 include:amazonses.com ~all',
      status: mailFrom,
    },
    {
      purpose: 'dmarc',
      type: 'TXT',
      name: `_dmarc.${name}`,
      value: 'v=DMARC1; p=none;',
      status: 'not_checked',
    },
  ];
}

/** The event a status change fires, and only a change: none when the status stays or becomes pending. */
export function statusChangeEvent(
  before: DomainStatus,
  after: DomainStatus,
): 'domain.verified' | 'domain.failed' | undefined {
  if (before === after) return undefined;
  if (after === 'verified') return 'domain.verified';
  if (after === 'failed') return 'domain.failed';
  return undefined;
}
