/**
 * The authorizer's DynamoDB client: one SigV4-signed GetItem over node:https, with the SDK's
 * behaviour where it matters (DYNAMODB_BOUNDS, one retry with jitter on throttling, a 5xx, a timeout
 * or a dropped connection, credentials and region from the Lambda environment) and none of its
 * weight. The AWS SDK's DynamoDB client is about 580 KB minified and takes over 100 ms to load; the
 * authorizer runs before every request, so its cold start is every cold request's latency.
 *
 * Signing is `aws4` (8 KB, Node's crypto, synchronous). aws4fetch signs with WebCrypto and builds
 * `Headers`, which in Node loads undici on first use: its bundle loads in 2 ms but its first call
 * costs 50–80 ms more than aws4's (bench results, "SigV4 libraries" in the decisions). The transport
 * module (node:https, about 10 ms to load because of TLS) is loaded on the first call, not at import.
 */
import type { Agent, ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import aws4 from 'aws4';
import { type CallBounds, DeadlineExceededError, DYNAMODB_BOUNDS } from '../call-bounds.js';
import { type AttemptFailure, retryDelayMs } from './retry-policy.js';
import { itemOfGetItemAnswer } from './wire-item.js';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

export interface GetItemClientConfig {
  readonly endpoint: URL;
  readonly region: string;
  /** Asked on every call, so credentials that change under the process are picked up. */
  readonly credentials: () => AwsCredentials | Promise<AwsCredentials>;
  /** DYNAMODB_BOUNDS unless a test shrinks them. */
  readonly bounds?: CallBounds;
  /** Math.random unless a test fixes the jitter. */
  readonly random?: () => number;
}

export interface GetItemInput {
  readonly TableName: string;
  readonly Key: Readonly<Record<string, AttributeValue>>;
  readonly ConsistentRead: boolean;
}

export interface GetItemClient {
  getItem(input: GetItemInput): Promise<{ readonly Item?: Record<string, AttributeValue> }>;
  /** Closes kept-alive connections (tests and the local stack on shutdown). */
  destroy(): void;
}

/** DynamoDB answered with an error; `name` is its error type, as the SDK names its exceptions. */
export class DynamoDbError extends Error {
  constructor(
    readonly status: number,
    type: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = type ?? `HTTP ${status}`;
  }
}

/** A connect or attempt timer ran out; named like the SDK's own timeouts. */
export class AttemptTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimeoutError';
  }
}

interface Transport {
  readonly request: (
    url: URL,
    options: RequestOptions,
    onResponse: (response: IncomingMessage) => void,
  ) => ClientRequest;
  readonly agent: Agent;
}

export function createGetItemClient(config: GetItemClientConfig): GetItemClient {
  const bounds = config.bounds ?? DYNAMODB_BOUNDS;
  const random = config.random ?? Math.random;
  let transport: Promise<Transport> | undefined;
  let loaded: Transport | undefined;

  async function call(input: GetItemInput, signal: AbortSignal) {
    transport ??= loadTransport(config.endpoint.protocol).then((value) => (loaded = value));
    const connection = await transport;
    const body = JSON.stringify(input);
    for (let attemptNumber = 1; ; attemptNumber++) {
      try {
        const headers = signedHeaders(config, body, await config.credentials());
        const answer = await attempt(connection, config.endpoint, headers, body, bounds, signal);
        if (answer.status === 200) {
          const Item = itemOfGetItemAnswer(answer.body);
          return Item === undefined ? {} : { Item };
        }
        throw errorOfAnswer(answer.status, answer.body);
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        const delay = attemptNumber < bounds.maxAttempts ? retryDelayMs(failureOf(error), random) : undefined;
        if (delay === undefined) throw error;
        await pause(delay, signal);
      }
    }
  }

  return {
    async getItem(input) {
      const controller = new AbortController();
      const deadline = setTimeout(
        () => controller.abort(new DeadlineExceededError(bounds.deadlineMs)),
        bounds.deadlineMs,
      );
      try {
        return await call(input, controller.signal);
      } finally {
        clearTimeout(deadline);
      }
    },
    destroy() {
      loaded?.agent.destroy();
    },
  };
}

/**
 * Region, endpoint and credentials as Lambda provides them: AWS_REGION, the role's
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, and the SDK's endpoint overrides
 * AWS_ENDPOINT_URL_DYNAMODB and AWS_ENDPOINT_URL (the tests point them at DynamoDB Local).
 */
export function getItemClientConfigFromEnv(env: NodeJS.ProcessEnv = process.env): GetItemClientConfig {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) throw new Error('AWS_REGION is not set');
  const endpoint =
    env.AWS_ENDPOINT_URL_DYNAMODB ?? env.AWS_ENDPOINT_URL ?? `https://dynamodb.${region}.amazonaws.com`;
  return {
    endpoint: new URL(endpoint),
    region,
    credentials: () => {
      const accessKeyId = env.AWS_ACCESS_KEY_ID;
      const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
      // A missing credential fails the call (→ 503), never the module load.
      if (!accessKeyId || !secretAccessKey) throw new Error('no AWS credentials in the environment');
      return { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN || undefined };
    },
  };
}

async function loadTransport(protocol: string): Promise<Transport> {
  const module = protocol === 'https:' ? await import('node:https') : await import('node:http');
  // Kept-alive connections: a warm container pays the TLS handshake once, as the SDK's handler does.
  const agent = new module.Agent({ keepAlive: true });
  return { request: module.request, agent };
}

function signedHeaders(
  config: GetItemClientConfig,
  body: string,
  credentials: AwsCredentials,
): Record<string, string | number> {
  const signed = aws4.sign(
    {
      host: config.endpoint.host,
      path: '/',
      method: 'POST',
      service: 'dynamodb',
      region: config.region,
      headers: {
        'Content-Type': 'application/x-amz-json-1.0',
        'X-Amz-Target': 'DynamoDB_20120810.GetItem',
      },
      body,
    },
    credentials,
  );
  return signed.headers;
}

interface Answer {
  readonly status: number;
  readonly body: string;
}

/**
 * One HTTP attempt. The connect timer runs until the TCP (and TLS) connection is up; the attempt
 * timer until the whole answer has arrived, so a body that stalls after its headers is bounded too.
 */
function attempt(
  transport: Transport,
  url: URL,
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

    const request = transport.request(
      url,
      { method: 'POST', headers, agent: transport.agent },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', fail);
        response.on('end', () =>
          finish(() =>
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          ),
        );
      },
    );
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

/** DynamoDB's error body is `{"__type":"com.amazonaws.dynamodb.v20120810#Type","message":"…"}`. */
function errorOfAnswer(status: number, body: string): DynamoDbError {
  let type: string | undefined;
  let message = `DynamoDB answered HTTP ${status}`;
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null) {
      const fields = parsed as Record<string, unknown>;
      if (typeof fields.__type === 'string') type = fields.__type.split('#').pop();
      const text = fields.message ?? fields.Message;
      if (typeof text === 'string') message = text;
    }
  } catch {
    // Not JSON (a proxy's error page): the status alone decides.
  }
  return new DynamoDbError(status, type, message);
}

function failureOf(error: unknown): AttemptFailure {
  if (error instanceof DynamoDbError) {
    return { kind: 'status', status: error.status, errorType: error.name };
  }
  if (error instanceof AttemptTimeoutError) return { kind: 'timeout' };
  const code =
    error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  return { kind: 'network', code };
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
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
