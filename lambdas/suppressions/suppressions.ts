/** The suppressions service's domain: the API's view of the project's suppressed addresses. */
import { ApiError } from '../api/errors.js';
import { normaliseAddress } from './address.js';
import type { CreateSuppressionInput, SuppressionJson } from './contracts.js';
import {
  addSuppression,
  deleteSuppression,
  findSuppression,
  type Suppression,
  type SuppressionStore,
} from './suppression-store.js';

export interface SuppressionsDependencies extends SuppressionStore {
  readonly now: () => Date;
}

export function createSuppression(
  deps: SuppressionsDependencies,
  projectId: string,
  input: CreateSuppressionInput,
): Promise<Suppression> {
  return addSuppression(deps, projectId, {
    email: addressOrRefuse(input.email),
    reason: input.reason,
    createdAt: deps.now().toISOString(),
  });
}

export function findSuppressionOf(
  deps: SuppressionStore,
  projectId: string,
  email: string,
): Promise<Suppression | undefined> {
  return findSuppression(deps, projectId, addressOrRefuse(email));
}

/** Another project's suppression and none are the same 404. */
export async function removeSuppression(
  deps: SuppressionStore,
  projectId: string,
  email: string,
): Promise<string> {
  const address = normaliseAddress(email);
  if (address === undefined || !(await deleteSuppression(deps, projectId, address))) {
    throw new ApiError('not_found', { message: 'This address is not suppressed.' });
  }
  return address;
}

export function suppressionJson(suppression: Suppression): SuppressionJson {
  return {
    email: suppression.email,
    reason: suppression.reason,
    ...(suppression.sourceEmailId === undefined ? {} : { source_email_id: suppression.sourceEmailId }),
    created_at: suppression.createdAt,
  };
}

/** The contract has checked it is an address; this only normalises it. */
function addressOrRefuse(email: string): string {
  const address = normaliseAddress(email);
  if (address === undefined) {
    throw new ApiError('validation_error', {
      message: 'email must be an email address.',
      errors: [{ path: 'email', message: 'must be an email address' }],
    });
  }
  return address;
}
