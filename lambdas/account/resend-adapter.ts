/**
 * The Resend surface of the account service's keys: each `/resend/api-keys*` route maps Resend's
 * request to the `/v1` route it stands for and calls that route's handler — the escalation rules, the
 * billing keys kept out, the secret shown once and never stored with the idempotency record are the
 * `/v1` ones — then answers in Resend's shape (docs/architecture.md, "API surfaces").
 * Resend's `full_access` is scopegate's preset of that name; its `sending_access` is a custom key with
 * `emails:send` only, limited to the domain `domain_id` names when one is given.
 */
import { ApiError } from '../api/errors.js';
import type { Scope } from '../api/scopes.js';
import type { ServiceHandlers } from '../http/frame.js';
import { answerResendPage } from '../http/resend-paging.js';
import { domainNameById } from '../shared/domain-items.js';
import type {
  API_KEY_CONTRACTS,
  RESEND_API_KEY_CONTRACTS,
  RESEND_KEY_PERMISSIONS,
} from './api-key-contracts.js';
import type { ApiKeyStore } from './api-key-route-handlers.js';
import { keyJson } from './key-metadata.js';
import { keyListPosition, listKeysPage } from './keys.js';

/** The `/v1` key handlers the adapter calls. */
export type ApiKeyV1Handlers = ServiceHandlers<
  Omit<typeof API_KEY_CONTRACTS, keyof typeof RESEND_API_KEY_CONTRACTS>
>;

/** What a Resend `sending_access` key may do. */
export const SENDING_ACCESS_SCOPES: readonly Scope[] = ['emails:send'];

export interface ResendKeyRequest {
  readonly name: string;
  readonly permission?: (typeof RESEND_KEY_PERMISSIONS)[number] | undefined;
  /** The name of the domain `domain_id` named, read by the caller. */
  readonly domainName?: string | undefined;
}

/** Resend's key request as the `/v1` create body. */
export function v1KeyBodyOf({ name, permission, domainName }: ResendKeyRequest) {
  if (permission !== 'sending_access') return { name, permission: 'full_access' as const };
  return {
    name,
    permission: 'custom' as const,
    scopes: [...SENDING_ACCESS_SCOPES],
    ...(domainName === undefined ? {} : { allowed_domains: [domainName] }),
  };
}

/** What Resend's list shows of a key. */
export function resendKeyListItemOf(key: ReturnType<typeof keyJson>) {
  return { id: key.id, name: key.name, created_at: key.created_at, last_used_at: key.last_used_at };
}

function invalidDomainId(message: string): ApiError {
  return new ApiError('validation_error', { message, errors: [{ path: 'domain_id', message }] });
}

export function resendApiKeyHandlers(
  v1: ApiKeyV1Handlers,
  store: ApiKeyStore,
): ServiceHandlers<typeof RESEND_API_KEY_CONTRACTS> {
  return {
    resendListApiKeys: async (request) => {
      // A key's place in the list is its creation time: read through /v1 (404 for none in the project).
      const fromId = request.query.before ?? request.query.after;
      const from =
        fromId === undefined
          ? undefined
          : await v1.getApiKey({ ...request, params: { id: fromId }, query: undefined });
      const position =
        from?.created_at === null || from === undefined
          ? undefined
          : keyListPosition({ createdAt: from.created_at, id: from.id });
      return answerResendPage(
        request.query,
        () => position,
        async ({ limit, after, direction }) => {
          const oldestFirst = direction === 'backward';
          const page = await listKeysPage(store, request.auth.projectId, { limit, after, oldestFirst });
          return {
            items: page.keys.map((key) => resendKeyListItemOf(keyJson(key))),
            nextAfter: page.nextAfter,
          };
        },
      );
    },
    resendCreateApiKey: async (request) => {
      const { name, permission, domain_id: domainId } = request.body;
      let domainName: string | undefined;
      if (domainId !== undefined) {
        if (permission !== 'sending_access') {
          throw invalidDomainId('domain_id is only for a sending_access key.');
        }
        domainName = await domainNameById(store, request.auth.projectId, domainId);
        if (domainName === undefined) throw invalidDomainId('domain_id names no domain of this project.');
      }
      const created = await v1.createApiKey({
        ...request,
        body: v1KeyBodyOf({ name, permission, domainName }),
      });
      return { id: created.id, token: created.key };
    },
    resendUpdateApiKey: async (request) => {
      const updated = await v1.updateApiKey({ ...request, body: { name: request.body.name } });
      return { object: 'api_key', id: updated.id };
    },
    resendRevokeApiKey: async (request) => {
      const revoked = await v1.revokeApiKey({ ...request });
      return { object: 'api_key', id: revoked.id, deleted: true };
    },
  };
}
