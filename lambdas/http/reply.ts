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
  /** The contract's `otherStatus` when the handler chose it; else undefined (`response.status`). */
  readonly status?: number | undefined;
}

export function replyOf(contract: Pick<RouteContract, 'response'>, output: unknown): Reply {
  const { schema, headers } = contract.response;
  if (!headers) return { body: schema ? output : undefined, headers: {} };
  const {
    body,
    headers: sent,
    status,
  } = output as { body?: unknown; headers: Record<string, unknown>; status?: unknown };
  const other = contract.response.otherStatus?.status;
  return {
    body: schema ? body : undefined,
    // Only the status the contract offers besides its own: any other value answers the contract's.
    status: other !== undefined && status === other ? other : undefined,
    // Only the headers the contract names, as strings: a handler cannot leak another.
    headers: Object.fromEntries(
      Object.keys(headers.def.shape).flatMap((name) =>
        typeof sent[name] === 'string' ? [[name, sent[name]] as const] : [],
      ),
    ),
  };
}
