/**
 * The SES v2 identity calls the domains service makes, each behind a narrow function taking its
 * client: create (Easy DKIM 2048-bit, the stack's configuration set), custom MAIL FROM, read, delete.
 * The IAM grant in lib/services.ts names exactly these four actions.
 */
import {
  CreateEmailIdentityCommand,
  DeleteEmailIdentityCommand,
  GetEmailIdentityCommand,
  PutEmailIdentityMailFromAttributesCommand,
  type SESv2Client,
} from '@aws-sdk/client-sesv2';
import { ApiError } from '../api/errors.js';
import { type IdentityState, mailFromDomain } from './dns-records.js';

export interface SesIdentities {
  readonly ses: SESv2Client;
  /** Every identity sends through it (events, reputation); absent locally. */
  readonly configurationSetName?: string | undefined;
}

const errorName = (error: unknown) => (error instanceof Error ? error.name : '');

/**
 * Creates the identity and sets its MAIL FROM; answers its DKIM tokens. An identity that already
 * exists in the account was not created by this project (the uniqueness record was just won), so it
 * is refused rather than adopted: adopting it could hand a project a domain verified by someone else.
 */
export async function createIdentity(deps: SesIdentities, name: string): Promise<IdentityState> {
  let tokens: readonly string[];
  try {
    const created = await deps.ses.send(
      new CreateEmailIdentityCommand({
        EmailIdentity: name,
        DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' },
        ...(deps.configurationSetName ? { ConfigurationSetName: deps.configurationSetName } : {}),
      }),
    );
    tokens = created.DkimAttributes?.Tokens ?? [];
  } catch (error) {
    if (errorName(error) === 'AlreadyExistsException') {
      throw new ApiError('already_exists', {
        message: `The domain ${name} already exists in this account's SES outside scopegate.`,
      });
    }
    throw mapIdentityError(error);
  }
  try {
    await deps.ses.send(
      new PutEmailIdentityMailFromAttributesCommand({
        EmailIdentity: name,
        MailFromDomain: mailFromDomain(name),
        // Until the MX is published, mail goes out with SES's own MAIL FROM rather than bouncing.
        BehaviorOnMxFailure: 'USE_DEFAULT_VALUE',
      }),
    );
  } catch (error) {
    // Half an identity is worse than none: remove it so the create can simply be retried.
    await deleteIdentity(deps, name).catch(() => undefined);
    throw mapIdentityError(error);
  }
  return {
    dkimTokens: tokens,
    verificationStatus: 'PENDING',
    dkimStatus: 'PENDING',
    mailFromStatus: 'PENDING',
  };
}

/** What SES says about the identity now; undefined when it no longer exists. */
export async function readIdentity(deps: SesIdentities, name: string): Promise<IdentityState | undefined> {
  try {
    const identity = await deps.ses.send(new GetEmailIdentityCommand({ EmailIdentity: name }));
    return {
      dkimTokens: identity.DkimAttributes?.Tokens ?? [],
      verificationStatus: identity.VerificationStatus,
      dkimStatus: identity.DkimAttributes?.Status,
      mailFromStatus: identity.MailFromAttributes?.MailFromDomainStatus,
    };
  } catch (error) {
    if (errorName(error) === 'NotFoundException') return undefined;
    throw mapIdentityError(error);
  }
}

/** Removes the identity; one already gone counts as removed, so a delete can be retried. */
export async function deleteIdentity(deps: SesIdentities, name: string): Promise<void> {
  try {
    await deps.ses.send(new DeleteEmailIdentityCommand({ EmailIdentity: name }));
  } catch (error) {
    if (errorName(error) === 'NotFoundException') return;
    throw mapIdentityError(error);
  }
}

/** SES refusing the name is the caller's to fix (400 on `name`); anything else is SES being unavailable. */
function mapIdentityError(error: unknown): unknown {
  if (error instanceof ApiError) return error;
  const name = errorName(error);
  if (name === 'BadRequestException') {
    const detail = error instanceof Error && error.message ? ` (${error.message})` : '';
    const message = `name must be a domain SES accepts${detail}.`;
    return new ApiError('validation_error', { message, errors: [{ path: 'name', message }] });
  }
  if (name === 'TooManyRequestsException') return new ApiError('rate_limited');
  return new ApiError('upstream_unavailable');
}
