/**
 * SES v2 (restJson1, signing name `ses`, `email.<region>.amazonaws.com`) with exactly the calls
 * scopegate makes: SendEmail for the sending service, and the four identity calls of the domains
 * service. Each request is laid out as the SDK's SESv2Client serializes it (test/integration/aws-wire-requests.test.ts
 * compares them); errors carry SES's error type as `name`, as the SDK's exceptions do.
 */
import type { CallBounds } from '../call-bounds.js';
import { answerObject, isObject, stringOf } from './json.js';
import { jsonErrorOf, pathLabel, restJsonRequest } from './protocols.js';
import { createSignedClient } from './signed-client.js';
import type { AwsTarget, ServiceAddress } from './target.js';

export const SES_ADDRESS: ServiceAddress = { hostPrefix: 'email', endpointVariable: 'SESV2' };

export interface SendEmailInput {
  readonly FromEmailAddress: string;
  readonly Destination: {
    readonly ToAddresses: readonly string[];
    readonly CcAddresses: readonly string[];
    readonly BccAddresses: readonly string[];
  };
  /** The whole MIME message; sent as base64. */
  readonly Content: { readonly Raw: { readonly Data: Uint8Array } };
  readonly EmailTags?: readonly { readonly Name: string; readonly Value: string }[];
  readonly ConfigurationSetName?: string;
}

export interface CreateEmailIdentityInput {
  readonly EmailIdentity: string;
  readonly DkimSigningAttributes?: { readonly NextSigningKeyLength: 'RSA_1024_BIT' | 'RSA_2048_BIT' };
  readonly ConfigurationSetName?: string;
}

export interface MailFromInput {
  readonly EmailIdentity: string;
  readonly MailFromDomain: string;
  readonly BehaviorOnMxFailure: 'USE_DEFAULT_VALUE' | 'REJECT_MESSAGE';
}

/** The members of GetEmailIdentity's answer that the domains service reads. */
export interface EmailIdentity {
  readonly VerificationStatus: string | undefined;
  readonly DkimStatus: string | undefined;
  readonly DkimTokens: readonly string[];
  readonly MailFromDomainStatus: string | undefined;
}

export interface SesClient {
  /** Answers SES's message id (undefined only from a broken answer). */
  sendEmail(input: SendEmailInput): Promise<{ readonly MessageId: string | undefined }>;
  /** Answers Easy DKIM's tokens. */
  createEmailIdentity(input: CreateEmailIdentityInput): Promise<{ readonly DkimTokens: readonly string[] }>;
  putEmailIdentityMailFromAttributes(input: MailFromInput): Promise<void>;
  getEmailIdentity(emailIdentity: string): Promise<EmailIdentity>;
  deleteEmailIdentity(emailIdentity: string): Promise<void>;
  destroy(): void;
}

export function createSesClient(target: AwsTarget, bounds: CallBounds): SesClient {
  const client = createSignedClient({ ...target, bounds, signingName: 'ses', errorOf: jsonErrorOf('SES') });
  const call = async (...request: Parameters<typeof restJsonRequest>) => {
    const { body } = await client.call(restJsonRequest(...request));
    // An operation without output members (DeleteEmailIdentity, the MAIL FROM call) may answer nothing.
    return body === '' ? {} : answerObject(body, 'SES');
  };
  const identityPath = (name: string) => `/v2/email/identities/${pathLabel(name)}`;

  return {
    async sendEmail(input) {
      const answer = await call('POST', '/v2/email/outbound-emails', input);
      return { MessageId: stringOf(answer.MessageId) };
    },
    async createEmailIdentity(input) {
      const answer = await call('POST', '/v2/email/identities', input);
      return { DkimTokens: tokensOf(answer.DkimAttributes) };
    },
    async putEmailIdentityMailFromAttributes({ EmailIdentity, ...body }) {
      await call('PUT', `${identityPath(EmailIdentity)}/mail-from`, body);
    },
    async getEmailIdentity(emailIdentity) {
      const answer = await call('GET', identityPath(emailIdentity));
      const dkim = isObject(answer.DkimAttributes) ? answer.DkimAttributes : {};
      const mailFrom = isObject(answer.MailFromAttributes) ? answer.MailFromAttributes : {};
      return {
        VerificationStatus: stringOf(answer.VerificationStatus),
        DkimStatus: stringOf(dkim.Status),
        DkimTokens: tokensOf(dkim),
        MailFromDomainStatus: stringOf(mailFrom.MailFromDomainStatus),
      };
    },
    async deleteEmailIdentity(emailIdentity) {
      await call('DELETE', identityPath(emailIdentity));
    },
    destroy: () => client.destroy(),
  };
}

function tokensOf(dkimAttributes: unknown): readonly string[] {
  if (!isObject(dkimAttributes) || !Array.isArray(dkimAttributes.Tokens)) return [];
  return dkimAttributes.Tokens.filter((token): token is string => typeof token === 'string');
}
