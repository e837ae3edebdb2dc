/**
 * The Resend surface of the suppressions service: each `/resend/suppressions*` route maps Resend's
 * request onto the `/v1` route it stands for and calls that route's handler — the same store,
 * address rules and project isolation — then answers Resend's shape (docs/architecture.md, "API
 * surfaces"). Resend names a suppression by an id or its address; scopegate keys it by the address,
 * so the id is the lower-cased address in base64url behind `sup_`, and both resolve to the address.
 */
import { ApiError, unsupportedParameter } from '../api/errors.js';
import type { ServiceHandlers } from '../http/frame.js';
import { answerResendPage, projectPageOf } from '../http/resend-paging.js';
import { normaliseAddress, type SuppressionReason } from './address.js';
import type {
  RESEND_SUPPRESSIONS_CONTRACTS,
  ResendSuppressionJson,
  SUPPRESSIONS_CONTRACTS,
  SuppressionJson,
} from './contracts.js';
import { listSuppressions, SUPPRESSION_PREFIX, type SuppressionStore } from './suppression-store.js';
import { suppressionJson } from './suppressions.js';

/** The `/v1` handlers the adapter calls. */
export type SuppressionsV1Handlers = ServiceHandlers<
  Omit<typeof SUPPRESSIONS_CONTRACTS, keyof typeof RESEND_SUPPRESSIONS_CONTRACTS>
>;

const ID_PREFIX = 'sup_';

/** Pure: the id Resend's clients see for a suppressed address (already normalised). */
export function suppressionIdOf(address: string): string {
  return `${ID_PREFIX}${Buffer.from(address, 'utf8').toString('base64url')}`;
}

/** Pure: the normalised address an id or an address names; undefined when it names none. */
export function addressOfReference(idOrEmail: string): string | undefined {
  const given = idOrEmail.startsWith(ID_PREFIX)
    ? Buffer.from(idOrEmail.slice(ID_PREFIX.length), 'base64url').toString('utf8')
    : idOrEmail;
  return normaliseAddress(given);
}

/** Pure: Resend's origins are bounce, complaint and manual; a one-click unsubscribe reads as manual. */
export function originOf(reason: SuppressionReason): ResendSuppressionJson['origin'] {
  return reason === 'unsubscribe' ? 'manual' : reason;
}

/** Pure: a `/v1` suppression in Resend's shape. */
export function resendSuppressionJson(suppression: SuppressionJson): ResendSuppressionJson {
  return {
    object: 'suppression',
    id: suppressionIdOf(suppression.email),
    email: suppression.email,
    origin: originOf(suppression.reason),
    source_id: suppression.source_email_id ?? null,
    created_at: suppression.created_at,
  };
}

/** What every request carries whatever its route: who calls, and its id. */
type CallerOf = Pick<
  Parameters<SuppressionsV1Handlers['listSuppressions']>[0],
  'auth' | 'requestId' | 'markReplayed'
>;
const callerOf = ({ auth, requestId, markReplayed }: CallerOf) => ({
  auth,
  requestId,
  markReplayed,
  headers: undefined,
});

const notSuppressed = () => new ApiError('not_found', { message: 'This address is not suppressed.' });

export function resendSuppressionsHandlers(
  v1: SuppressionsV1Handlers,
  store: SuppressionStore,
): ServiceHandlers<typeof RESEND_SUPPRESSIONS_CONTRACTS> {
  /** The /v1 answer for one address (its `?email=` list), or a 404 for one not suppressed. */
  const find = async (request: CallerOf, idOrEmail: string) => {
    const address = addressOfReference(idOrEmail);
    if (address === undefined) throw notSuppressed();
    const { data } = await v1.listSuppressions({
      ...callerOf(request),
      params: undefined,
      body: undefined,
      query: { limit: 1, email: address },
    });
    const [found] = data;
    if (!found) throw notSuppressed();
    return found;
  };
  const remove = async (request: CallerOf, idOrEmail: string) => {
    const address = addressOfReference(idOrEmail);
    if (address === undefined) throw notSuppressed();
    const { email } = await v1.deleteSuppression({
      ...callerOf(request),
      query: undefined,
      body: undefined,
      params: { email: address },
    });
    return { object: 'suppression' as const, id: suppressionIdOf(email), deleted: true as const };
  };
  return {
    resendCreateSuppression: async (request) => {
      const added = await v1.createSuppression({
        ...request,
        body: { email: request.body.email, reason: 'manual' },
      });
      return { object: 'suppression', id: suppressionIdOf(added.email) };
    },
    resendListSuppressions: ({ auth, query }) => {
      const { origin, ...page } = query;
      // Filtering by origin would page through the whole list: refused by name, never ignored.
      if (origin !== undefined)
        throw unsupportedParameter('origin', 'scopegate lists suppressions by address only');
      return answerResendPage(
        page,
        (id) => {
          const address = addressOfReference(id);
          return address === undefined ? undefined : `${SUPPRESSION_PREFIX}${address}`;
        },
        async (at) => {
          const { suppressions, nextAfter } = await listSuppressions(
            store,
            auth.projectId,
            projectPageOf(at),
          );
          const items = suppressions.map((one) => {
            const { object: _object, ...entry } = resendSuppressionJson(suppressionJson(one));
            return entry;
          });
          return { items, nextAfter };
        },
      );
    },
    resendGetSuppression: async (request) => resendSuppressionJson(await find(request, request.params.id)),
    resendDeleteSuppression: (request) => remove(request, request.params.id),
    resendBatchAddSuppressions: async (request) => {
      const data = [];
      for (const email of request.body.emails) {
        const added = await v1.createSuppression({ ...request, body: { email, reason: 'manual' } });
        data.push({ object: 'suppression' as const, id: suppressionIdOf(added.email) });
      }
      return { data };
    },
    resendBatchRemoveSuppressions: async (request) => {
      const references = 'emails' in request.body ? request.body.emails : request.body.ids;
      const data = [];
      for (const reference of references) {
        try {
          data.push(await remove(request, reference));
        } catch (error) {
          // One not suppressed is answered as not deleted: the batch goes on, as Resend's does.
          if (!(error instanceof ApiError) || error.code !== 'not_found') throw error;
          const address = addressOfReference(reference);
          data.push({
            object: 'suppression' as const,
            id: address ? suppressionIdOf(address) : reference,
            deleted: false,
          });
        }
      }
      return { data };
    },
  };
}
