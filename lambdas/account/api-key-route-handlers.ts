/**
 * The `/v1/api-keys*` handlers: thin wrappers over keys.ts, the domain the CLI uses too. The
 * project is the calling key's, a billing key is never shown or changed here, and every create,
 * edit and rotation is bounded by the calling key's own powers (read from its item, as the
 * authorizer reads it).
 */
import type { AuthContext } from '../keys/auth-context.js';
import { ApiError } from '../api/errors.js';
import { answerPage } from '../http/paging.js';
import { KeyInputError } from './key-input.js';
import { createdKeyJson, keyJson } from './key-metadata.js';
import type { ApiKeyV1Handlers } from './resend-adapter.js';
import {
  actorOf,
  createKey,
  getKey,
  KeyEscalationError,
  type KeyActor,
  type KeyLookup,
  KeyMalformedError,
  KeyNotFoundError,
  KeyRevokedError,
  type KeyStore,
  listKeysPage,
  ProjectNotFoundError,
  revokeKey,
  rotateKey,
  updateKey,
} from './keys.js';

export type ApiKeyStore = KeyStore & { readonly now: () => Date };

/** The API's snake_case body → the key service's input (the same fields the CLI's flags fill). */
interface KeyBody {
  readonly name?: string | undefined;
  readonly permission?: string | undefined;
  readonly scopes?: readonly string[] | undefined;
  readonly permissions?: Readonly<Record<string, string>> | undefined;
  readonly allowed_ips?: string | readonly string[] | undefined;
  readonly allowed_domains?: string | readonly string[] | null | undefined;
  readonly expires_at?: string | null | undefined;
  readonly rate_limit_per_second?: number | null | undefined;
}

function keyFields(body: KeyBody) {
  return {
    ...(body.name === undefined ? {} : { name: body.name }),
    ...(body.permission === undefined ? {} : { permission: body.permission }),
    ...(body.scopes === undefined ? {} : { scopes: body.scopes }),
    ...(body.permissions === undefined ? {} : { permissions: body.permissions }),
    ...(body.allowed_ips === undefined ? {} : { allowedIps: body.allowed_ips }),
    ...(body.allowed_domains === undefined ? {} : { allowedDomains: body.allowed_domains }),
    ...(body.expires_at === undefined ? {} : { expiresAt: body.expires_at }),
    ...(body.rate_limit_per_second === undefined ? {} : { rateLimitPerSecond: body.rate_limit_per_second }),
  };
}

const lookupOf = (auth: AuthContext): KeyLookup => ({ projectId: auth.projectId, generalOnly: true });

export function apiKeyHandlers(store: ApiKeyStore): ApiKeyV1Handlers {
  return {
    listApiKeys: ({ auth, query }) =>
      answerPage(store, { projectId: auth.projectId, routeId: 'listApiKeys' }, query, async (page) => {
        const { keys, nextAfter } = await listKeysPage(store, auth.projectId, page);
        return { items: keys.map(keyJson), nextAfter };
      }),
    createApiKey: ({ auth, body }) =>
      answering(async () => {
        const created = await createKey(
          store,
          { ...keyFields(body), projectId: auth.projectId },
          await actor(store, auth),
        );
        return createdKeyJson(created.key, created.metadata);
      }),
    getApiKey: ({ auth, params }) =>
      answering(async () => keyJson(await getKey(store, params.id, lookupOf(auth)))),
    updateApiKey: ({ auth, params, body }) =>
      answering(async () =>
        keyJson(
          await updateKey(store, params.id, keyFields(body ?? {}), lookupOf(auth), await actor(store, auth)),
        ),
      ),
    revokeApiKey: ({ auth, params }) =>
      answering(async () => keyJson((await revokeKey(store, params.id, lookupOf(auth))).key)),
    rotateApiKey: ({ auth, params, body }) =>
      answering(async () => {
        const grace = body?.grace_period_seconds;
        const rotated = await rotateKey(
          store,
          params.id,
          grace === undefined ? {} : { gracePeriodSeconds: grace },
          lookupOf(auth),
          await actor(store, auth),
        );
        return createdKeyJson(rotated.key, rotated.metadata);
      }),
  };
}

/**
 * The calling key's powers. The authorizer has just accepted it, so an unreadable or vanished item
 * means it changed since: refused like an invalid key (fail closed), never treated as unrestricted.
 */
async function actor(store: ApiKeyStore, auth: AuthContext): Promise<KeyActor> {
  const found = await actorOf(store, auth);
  if (!found) throw new ApiError('invalid_api_key');
  return found;
}

/** The key service's errors as API errors. */
async function answering<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw apiErrorOf(error);
  }
}

function apiErrorOf(error: unknown): unknown {
  if (error instanceof KeyNotFoundError || error instanceof ProjectNotFoundError) {
    return new ApiError('not_found', { message: 'No API key with this id in this project.' });
  }
  if (error instanceof KeyEscalationError)
    return new ApiError('permission_escalation', { message: error.message });
  if (error instanceof KeyRevokedError) {
    return new ApiError('bad_request', {
      message: 'This API key is revoked; a revoked key cannot be changed.',
    });
  }
  if (error instanceof KeyMalformedError) {
    return new ApiError('bad_request', {
      message: 'This API key was damaged by a hand edit; it can only be revoked.',
    });
  }
  if (error instanceof KeyInputError) {
    const errors = error.errors.map((field) => ({
      path: field.path,
      message: `${field.path} ${field.message.replace(/\.$/, '')}.`,
    }));
    const [first] = errors;
    return new ApiError('validation_error', {
      message:
        errors.length === 1 && first
          ? first.message
          : `The request has ${errors.length} problems: ${errors.map((field) => field.message).join(' ')}`,
      errors,
    });
  }
  return error;
}
