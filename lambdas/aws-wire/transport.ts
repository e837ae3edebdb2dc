/**
 * One bounded HTTP exchange with an AWS service over node:http(s). The module (about 10 ms to load
 * because of TLS) is loaded on the first call, not at import: the authorizer's cold start is every
 * cold request's latency.
 */
import type { Agent, ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import type { CallBounds } from '../call-bounds.js';
import { AttemptTimeoutError } from './errors.js';

export interface Transport {
  readonly request: (
    url: URL,
    options: RequestOptions,
    onResponse: (response: IncomingMessage) => void,
  ) => ClientRequest;
  readonly agent: Agent;
}

export interface Answer {
  readonly status: number;
  readonly body: string;
  readonly requestId: string | undefined;
  /** restJson1 services name their error here (`Type:url`) rather than, or as well as, in the body. */
  readonly errorType: string | undefined;
}

export async function loadTransport(protocol: string): Promise<Transport> {
  const module = protocol === 'https:' ? await import('node:https') : await import('node:http');
  // Kept-alive connections: a warm container pays the TLS handshake once, as the SDK's handler does.
  const agent = new module.Agent({ keepAlive: true });
  return { request: module.request, agent };
}

/**
 * One HTTP attempt. The connect timer runs until the TCP (and TLS) connection is up; the attempt
 * timer until the whole answer has arrived, so a body that stalls after its headers is bounded too.
 */
export function attempt(
  transport: Transport,
  url: URL,
  method: string,
  headers: Record<string, string | number>,
  body: string,
  bounds: CallBounds,
  signal: AbortSignal,
): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    let settled = false;
    let connectTimer: NodeJS.Timeout | undefined;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(attemptTimer);
      clearTimeout(connectTimer);
      signal.removeEventListener('abort', onAbort);
      outcome();
    };
    const fail = (error: unknown) =>
      finish(() => {
        request.destroy();
        reject(error);
      });
    const onAbort = () => fail(signal.reason);

    const request = transport.request(url, { method, headers, agent: transport.agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', fail);
      response.on('end', () =>
        finish(() =>
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            requestId: headerValue(response.headers['x-amzn-requestid']),
            errorType: headerValue(response.headers['x-amzn-errortype']),
          }),
        ),
      );
    });
    const attemptTimer = setTimeout(
      () => fail(new AttemptTimeoutError(`no answer within ${bounds.requestTimeoutMs} ms`)),
      bounds.requestTimeoutMs,
    );
    request.on('socket', (socket) => {
      if (!socket.connecting) return; // a kept-alive connection
      connectTimer = setTimeout(
        () => fail(new AttemptTimeoutError(`no connection within ${bounds.connectionTimeoutMs} ms`)),
        bounds.connectionTimeoutMs,
      );
      socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
    });
    request.on('error', fail);
    signal.addEventListener('abort', onAbort, { once: true });
    request.end(body);
  });
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
