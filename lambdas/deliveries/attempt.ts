/**
 * One delivery attempt: resolve the host once, check every address it resolves to, POST to a
 * checked address, and report what happened. It never throws and never logs (the headers hold
 * signatures; the caller decides what to record).
 *
 * - Any forbidden address among the answers refuses the attempt before any connection: a host that
 *   answers a public and a private address would otherwise reach the private one on a retry.
 * - A 2xx is success; 410 is `gone` (the caller disables the webhook); a 3xx is a failure with its
 *   status (redirects are not followed: the target was never checked); anything else is a failure.
 * - One deadline covers everything — DNS, connecting, TLS, the headers and the body.
 * - At most 1 KB of the response body is read; the rest is never downloaded.
 */
import { lookup } from 'node:dns/promises';
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import { type ForbiddenCategory, classifyAddress, describeCategory } from '../webhooks/address-guard.js';
import { type CheckedAddress, type Connector, httpConnector } from './connector.js';
import { parseRetryAfter } from './retry-after.js';
import { checkWebhookUrl } from '../webhooks/webhook-url.js';

export const DELIVERY_TIMEOUT_MS = 15_000;
export const MAX_KEPT_RESPONSE_BYTES = 1024;
export const USER_AGENT = 'scopegate-webhooks/1';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

/** Name resolution, injected so tests never depend on (or send anything to) real DNS answers. */
export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true });

export interface DeliveryRequest {
  readonly url: string;
  /** The signature headers and any others; content-type and user-agent have defaults. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly resolve?: Resolver;
  readonly connect?: Connector;
  readonly timeoutMs?: number;
  /** The local stack only: deliver to loopback addresses (and, unless told otherwise, over http). */
  readonly allowLoopback?: boolean;
  readonly requireHttps?: boolean;
}

export type DeliveryOutcome = 'succeeded' | 'failed' | 'gone' | 'refused';

export interface DeliveryResult {
  readonly outcome: DeliveryOutcome;
  /** The receiver's HTTP status, when it answered. */
  readonly status?: number;
  readonly durationMs: number;
  /** Why it did not succeed, in words safe to show the webhook's owner (no addresses, no secrets). */
  readonly error?: string;
  readonly retryAfterSeconds?: number;
  /** The first bytes (at most 1 KB) of the receiver's answer, as text. */
  readonly responseBody: string;
}

export async function deliverOnce(request: DeliveryRequest): Promise<DeliveryResult> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const timeoutMs = request.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const allowLoopback = request.allowLoopback ?? false;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  let phase: 'dns' | 'http' = 'dns';
  try {
    // Checked again on every attempt, not only at create time: a stored URL may have been edited.
    const checked = checkWebhookUrl(request.url, {
      allowLoopback,
      requireHttps: request.requireHttps ?? !allowLoopback,
    });
    if (!checked.ok) return refused(`The webhook URL ${checked.reason}.`, elapsed());
    const url = new URL(checked.url);
    const answers = await untilAborted(resolveHost(url, request.resolve ?? systemResolver), deadline.signal);
    if (answers.length === 0) return failed('The host name has no address.', elapsed());

    const checkedAnswers = checkEveryAnswer(answers, allowLoopback);
    if (!checkedAnswers.ok) {
      return refused(
        `The webhook's host resolves to ${describeCategory(checkedAnswers.category)}; deliveries go only to public addresses.`,
        elapsed(),
      );
    }
    const { addresses } = checkedAnswers;

    phase = 'http';
    const response = await untilAborted(
      (request.connect ?? httpConnector)({
        url,
        addresses,
        headers: withDefaultHeaders(request.headers),
        body: request.body,
        signal: deadline.signal,
        maxBodyBytes: MAX_KEPT_RESPONSE_BYTES,
      }),
      deadline.signal,
    );
    return judgeResponse(response.status, response.retryAfter, response.body, elapsed());
  } catch (error) {
    if (deadline.signal.aborted) return failed(`No complete answer within ${timeoutMs} ms.`, elapsed());
    const code = errorCode(error);
    return failed(
      phase === 'dns' ? `The host name could not be resolved (${code}).` : `The connection failed (${code}).`,
      elapsed(),
    );
  } finally {
    clearTimeout(timer);
  }
}

/** All or nothing: one refused answer refuses the host, whichever answer a connection would use. */
function checkEveryAnswer(
  answers: readonly ResolvedAddress[],
  allowLoopback: boolean,
): { ok: true; addresses: CheckedAddress[] } | { ok: false; category: ForbiddenCategory } {
  const addresses: CheckedAddress[] = [];
  for (const answer of answers) {
    const verdict = classifyAddress(answer.address, { allowLoopback });
    if (!verdict.allowed) return { ok: false, category: verdict.category };
    addresses.push({ address: verdict.address, family: verdict.family });
  }
  return { ok: true, addresses };
}

/** An IP literal is its own answer; only a name is looked up, and only once. */
function resolveHost(url: URL, resolve: Resolver): Promise<readonly ResolvedAddress[]> {
  const host = url.hostname;
  if (host.startsWith('[')) return Promise.resolve([{ address: host.slice(1, -1), family: 6 }]);
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(host)) return Promise.resolve([{ address: host, family: 4 }]);
  return resolve(host.endsWith('.') ? host.slice(0, -1) : host);
}

function judgeResponse(
  status: number,
  retryAfter: string | undefined,
  body: Buffer,
  durationMs: number,
): DeliveryResult {
  const responseBody = decodeKept(body);
  if (status >= 200 && status <= 299) return { outcome: 'succeeded', status, durationMs, responseBody };
  const retryAfterSeconds = parseRetryAfter(retryAfter, Date.now());
  const error =
    status >= 300 && status <= 399 ? `HTTP ${status}: redirects are not followed.` : `HTTP ${status}.`;
  return {
    outcome: status === 410 ? 'gone' : 'failed',
    status,
    durationMs,
    error,
    responseBody,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  };
}

/** The kept bytes as text; a character cut in half at the 1 KB mark is dropped, not garbled. */
function decodeKept(body: Buffer): string {
  return new StringDecoder('utf8').write(body.subarray(0, MAX_KEPT_RESPONSE_BYTES));
}

function withDefaultHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const merged: Record<string, string> = { 'content-type': 'application/json', 'user-agent': USER_AGENT };
  for (const [name, value] of Object.entries(headers)) merged[name.toLowerCase()] = value;
  return merged;
}

/** Rejects as soon as the deadline passes, even if the work itself ignores the signal. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new Error('deadline'));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** A system error's code only: its message can name the address connected to. */
function errorCode(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  return typeof code === 'string' && /^[A-Z0-9_]{1,64}$/.test(code) ? code : 'unknown error';
}

function failed(error: string, durationMs: number): DeliveryResult {
  return { outcome: 'failed', durationMs, error, responseBody: '' };
}

function refused(error: string, durationMs: number): DeliveryResult {
  return { outcome: 'refused', durationMs, error, responseBody: '' };
}
