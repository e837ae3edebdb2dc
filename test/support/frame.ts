/**
 * The handler frame's own dependencies for unit tests: keys here carry no rate limit, so the
 * rate-limit store is never reached (reaching it fails the test loudly); audit entries are accepted
 * and dropped (test/unit/lambdas/http/frame.audit.test.ts checks what the frame writes).
 */
import type { Documents } from '../../lambdas/aws/aws-clients.js';
import * as z from 'zod/mini';
import type {
  FrameDependencies,
  ServiceContracts,
  ServiceHandlers,
  ServiceRoutes,
} from '../../lambdas/http/frame.js';
import { ROUTES, type Service } from '../../lambdas/api/routes.js';

const unreachable = {
  send: () => Promise.reject(new Error('a key without a rate limit reached the rate-limit store')),
} as unknown as Documents;

const discarding = { send: () => Promise.resolve({}) } as unknown as Documents;

export const UNLIMITED_FRAME: FrameDependencies = {
  rateLimits: { documents: unreachable, dataTable: 'unused', now: () => new Date() },
  audit: { documents: discarding, dataTable: 'unused', now: () => new Date() },
};

/**
 * Every route of a service with a trivial contract and one shared handler: for tests and benches of
 * the frame itself, which must not break each time a service gains a route.
 */
export function trivialRoutes<S extends Service>(
  service: S,
  handler: () => Promise<unknown>,
): ServiceRoutes<ServiceContracts<S>> {
  const ids = ROUTES.filter((route) => route.service === service).map((route) => route.id);
  const response = { status: 200, description: 'ok', schema: z.unknown() } as const;
  return {
    contracts: Object.fromEntries(ids.map((id) => [id, { response }])) as unknown as ServiceContracts<S>,
    handlers: Object.fromEntries(ids.map((id) => [id, handler])) as unknown as ServiceHandlers<
      ServiceContracts<S>
    >,
  };
}
