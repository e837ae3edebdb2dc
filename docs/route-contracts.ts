/**
 * Every route of the table with its contract: the join the OpenAPI document (docs/openapi.ts) and
 * the contract tests read. The compiler refuses a route without a contract and a contract without a
 * route, because each service's contracts are keyed by exactly that service's route ids.
 */
import { ACCOUNT_CONTRACTS } from '../lambdas/account/contracts.js';
import { AUDIENCE_CONTRACTS } from '../lambdas/audience/contracts.js';
import { BROADCASTS_CONTRACTS } from '../lambdas/broadcasts/contracts.js';
import type { RouteContract } from '../lambdas/api/contract.js';
import { DOMAINS_CONTRACTS } from '../lambdas/domains/contracts.js';
import { ROUTES, type Route, type RouteId } from '../lambdas/api/routes.js';
import { SENDING_CONTRACTS } from '../lambdas/sending/contracts.js';
import { SUPPRESSIONS_CONTRACTS } from '../lambdas/suppressions/contracts.js';
import { TEMPLATES_CONTRACTS } from '../lambdas/templates/contracts.js';
import { WEBHOOKS_CONTRACTS } from '../lambdas/webhooks/contracts.js';

export const CONTRACTS: Readonly<Record<RouteId, RouteContract>> = {
  ...SENDING_CONTRACTS,
  ...ACCOUNT_CONTRACTS,
  ...DOMAINS_CONTRACTS,
  ...TEMPLATES_CONTRACTS,
  ...WEBHOOKS_CONTRACTS,
  ...AUDIENCE_CONTRACTS,
  ...SUPPRESSIONS_CONTRACTS,
  ...BROADCASTS_CONTRACTS,
};

export interface RouteWithContract {
  readonly route: Route;
  readonly contract: RouteContract;
}

export function routesWithContracts(): RouteWithContract[] {
  return ROUTES.map((route) => ({ route, contract: CONTRACTS[route.id] }));
}
