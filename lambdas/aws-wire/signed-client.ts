/**
 * One signed, bounded call of an AWS API over node:http(s): SigV4 (aws4), the CallBounds per attempt
 * and per call, the SDK's standard retry rules, and errors named by the service's error type. Each
 * protocol (./protocols.ts) says how a request is laid out and how an error answer is read; the
 * DynamoDB client and the narrow SES, SMS and WhatsApp clients are built on it.
 *
 * Signing is `aws4` (8 KB, Node's crypto, synchronous). aws4fetch signs with WebCrypto and builds
 * `Headers`, which in Node loads undici on first use: its bundle loads in 2 ms but its first call
 * costs 50–80 ms more than aws4's (bench/sigv4-libraries.md).
 */
import aws4 from 'aws4';
import { type CallBounds, DeadlineExceededError } from '../call-bounds.js';
import { failureOf } from './errors.js';
import { retryDelayMs } from './retry-policy.js';
import type { AwsCredentials, AwsTarget } from './target.js';
import { type Answer, attempt, loadTransport, pause, type Transport } from './transport.js';

/** A request as the protocol lays it out; the client adds the endpoint's host and the signature. */
export interface ServiceRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** From the API's root, starting with `/`, labels already encoded. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** JSON, or '' for a request without a body. */
  readonly body: string;
}

export interface SignedClientConfig extends AwsTarget {
  /** The SigV4 signing name: `dynamodb`, `ses`, `sms-voice`, `social-messaging`. */
  readonly signingName: string;
  readonly bounds: CallBounds;
  /** The error a non-2xx answer is rejected with; the protocol's reader. */
  readonly errorOf: (answer: Answer) => Error;
  /** Math.random unless a test fixes the jitter. */
  readonly random?: () => number;
}

export interface SignedAnswer {
  readonly status: number;
  readonly body: string;
  readonly requestId: string | undefined;
  /** Attempts made, the one that succeeded included. */
  readonly attempts: number;
}

export interface SignedClient {
  /**
   * Rejects with the protocol's error when the service refuses, a TimeoutError when a bound runs
   * out, or Node's network error.
   */
  call(request: ServiceRequest): Promise<SignedAnswer>;
  /** Closes kept-alive connections (tests, the CLI and the local stack on shutdown). */
  destroy(): void;
}

export function createSignedClient(config: SignedClientConfig): SignedClient {
  const { bounds } = config;
  const random = config.random ?? Math.random;
  let transport: Promise<Transport> | undefined;
  let loaded: Transport | undefined;

  async function callWithin(request: ServiceRequest, signal: AbortSignal): Promise<SignedAnswer> {
    transport ??= loadTransport(config.endpoint.protocol).then((value) => (loaded = value));
    const connection = await transport;
    const path = joinPath(config.endpoint.pathname, request.path);
    const url = new URL(path, config.endpoint);
    for (let attemptNumber = 1; ; attemptNumber++) {
      try {
        const headers = signedHeaders(config, request, path, await config.credentials());
        const answer = await attempt(connection, url, request.method, headers, request.body, bounds, signal);
        if (answer.status < 200 || answer.status > 299) throw config.errorOf(answer);
        return {
          status: answer.status,
          body: answer.body,
          requestId: answer.requestId,
          attempts: attemptNumber,
        };
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        const delay = attemptNumber < bounds.maxAttempts ? retryDelayMs(failureOf(error), random) : undefined;
        if (delay === undefined) throw error;
        await pause(delay, signal);
      }
    }
  }

  return {
    async call(request) {
      const controller = new AbortController();
      const deadline = setTimeout(
        () => controller.abort(new DeadlineExceededError(bounds.deadlineMs)),
        bounds.deadlineMs,
      );
      try {
        // Raced as a whole: a credential source that never answers is bounded too, not only the
        // attempts and the pauses between them, which watch the signal themselves.
        return await Promise.race([callWithin(request, controller.signal), aborted(controller.signal)]);
      } finally {
        clearTimeout(deadline);
      }
    },
    destroy() {
      loaded?.agent.destroy();
    },
  };
}

/** An endpoint with a path of its own (a proxy's prefix) keeps it in front of the API's paths. */
function joinPath(prefix: string, path: string): string {
  return prefix.endsWith('/') ? `${prefix}${path.slice(1)}` : `${prefix}${path}`;
}

function signedHeaders(
  config: SignedClientConfig,
  request: ServiceRequest,
  path: string,
  credentials: AwsCredentials,
): Record<string, string | number> {
  const signed = aws4.sign(
    {
      host: config.endpoint.host,
      path,
      method: request.method,
      service: config.signingName,
      region: config.region,
      headers: { ...request.headers },
      body: request.body,
    },
    credentials,
  );
  return signed.headers;
}

/** Rejects with the signal's reason when it aborts; never settles otherwise. */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
