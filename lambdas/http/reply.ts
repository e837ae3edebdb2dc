/**
 * What a handler's return value means under its contract: the body alone, or — for a contract that
 * declares response headers (SendGrid's `X-Message-Id`) — `{ body, headers }`. A contract without a
 * response schema answers an empty body.
 */
import type { RouteContract } from '../api/contract.js';

export interface Reply {
  /** Undefined: an empty body. */
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

export function replyOf(contract: Pick<RouteContract, 'response'>, output: unknown): Reply {
  const { schema, headers } = contract.response;
  if (!headers) return { body: schema ? output : undefined, headers: {} };
  const { body, headers: sent } = output as { body?: unknown; headers: Record<string, unknown> };
  return {
    body: schema ? body : undefined,
    // Only the headers the contract names, as strings: a handler cannot leak another.
    headers: Object.fromEntries(
      Object.keys(headers.def.shape).flatMap((name) =>
        typeof sent[name] === 'string' ? [[name, sent[name]] as const] : [],
      ),
    ),
  };
}
