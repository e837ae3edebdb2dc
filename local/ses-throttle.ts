/**
 * The local SES's sending limit: a small proxy in front of aws-ses-v2-local that holds SendEmail to
 * R per second (`SCOPEGATE_SES_MAX_SEND_RATE` for `npm start`), answering beyond it what SES answers
 * — a `ThrottlingException`, "Maximum sending rate exceeded." — so the deployed client code meets
 * the same error here. A token bucket of R tokens refilled at R per second, as SES's own rate allows
 * short bursts up to one second's worth. Everything else (the page, `/store`) passes unchanged.
 *
 * For the benchmark it can also answer 500 for a while (`failFor`), as an SES outage would.
 *
 * aws-ses-v2-local's store keeps no headers, so this proxy keeps the header block of every raw
 * message it lets through, served at `GET /store/headers` (`[{"to","headers":{name: value}}]`, names
 * lower-cased): how a developer reads a broadcast's List-Unsubscribe back.
 */
import {
  createServer,
  type IncomingMessage,
  request as forwardRequest,
  type ServerResponse,
} from 'node:http';

const SEND_PATH = '/v2/email/outbound-emails';
const HEADERS_PATH = '/store/headers';
/** `{throttled, failed, accepted}` so far. */
const STATS_PATH = '/store/send-stats';
/** Kept at most: the oldest go first. */
const MAX_KEPT = 20_000;

export interface SentHeaders {
  readonly to: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
}

export interface SesThrottle {
  readonly endpoint: string;
  /** How many sends it refused as throttled, and answered 500, so far. */
  readonly stats: { throttled: number; failed: number; accepted: number };
  /** Answers 500 to every send for `ms` milliseconds from now. */
  failFor(ms: number): void;
  stop(): Promise<void>;
}

export interface SesThrottleOptions {
  readonly upstream: string;
  /** Sends per second; absent or 0: no limit. */
  readonly maxSendRate?: number | undefined;
  readonly clock?: () => number;
}

/** Whether a send at `now` fits: the bucket's state moves forward in place. */
export function takeToken(bucket: { tokens: number; at: number }, now: number, rate: number): boolean {
  bucket.tokens = Math.min(rate, bucket.tokens + ((now - bucket.at) / 1000) * rate);
  bucket.at = now;
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

export async function startSesThrottle(options: SesThrottleOptions): Promise<SesThrottle> {
  const clock = options.clock ?? Date.now;
  const rate = options.maxSendRate ?? 0;
  const bucket = { tokens: rate, at: clock() };
  const stats = { throttled: 0, failed: 0, accepted: 0 };
  let failingUntil = 0;
  const kept: SentHeaders[] = [];
  const server = createServer((request, response) => {
    if (request.method === 'GET' && request.url === STATS_PATH) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(stats));
      return;
    }
    if (request.method === 'GET' && request.url === HEADERS_PATH) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(kept));
      return;
    }
    const isSend = request.method === 'POST' && (request.url ?? '').startsWith(SEND_PATH);
    if (isSend && clock() < failingUntil) {
      stats.failed++;
      return answer(
        request,
        response,
        500,
        'InternalFailure',
        'The local SES is failing on purpose (benchmark fault).',
      );
    }
    if (isSend && rate > 0 && !takeToken(bucket, clock(), rate)) {
      stats.throttled++;
      return answer(request, response, 429, 'ThrottlingException', 'Maximum sending rate exceeded.');
    }
    if (!isSend) return forward(options.upstream, request, response);
    stats.accepted++;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers = rawHeadersOf(body);
      if (headers) {
        kept.push(headers);
        if (kept.length > MAX_KEPT) kept.shift();
      }
      forward(options.upstream, request, response, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stats,
    failFor: (ms) => {
      failingUntil = clock() + ms;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function answer(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  type: string,
  message: string,
): void {
  // The request body is read and dropped, so the client is never reset while it is still writing.
  request.resume();
  request.on('end', () => {
    response.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
    response.end(JSON.stringify({ message }));
  });
}

/** The header block of a SendEmail request's raw message, unfolded; undefined for anything else. */
export function rawHeadersOf(body: Buffer): SentHeaders | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as {
      Destination?: { ToAddresses?: string[] };
      Content?: { Raw?: { Data?: string } };
    };
    const data = parsed.Content?.Raw?.Data;
    if (typeof data !== 'string') return undefined;
    const raw = Buffer.from(data, 'base64').toString('utf8');
    const block = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
    const headers: Record<string, string> = {};
    for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    return { to: parsed.Destination?.ToAddresses ?? [], headers };
  } catch {
    return undefined;
  }
}

function forward(upstream: string, request: IncomingMessage, response: ServerResponse, body?: Buffer): void {
  const target = new URL(request.url ?? '/', upstream);
  const outgoing = forwardRequest(
    target,
    { method: request.method, headers: { ...request.headers, host: target.host } },
    (upstreamResponse) => {
      response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
      upstreamResponse.pipe(response);
    },
  );
  outgoing.on('error', () => {
    if (!response.headersSent) {
      response.writeHead(502, { 'content-type': 'application/json', 'x-amzn-errortype': 'InternalFailure' });
      response.end(JSON.stringify({ message: 'The local SES is not answering.' }));
    } else response.destroy();
  });
  if (body) outgoing.end(body);
  else request.pipe(outgoing);
}

/** `SCOPEGATE_SES_MAX_SEND_RATE`: the local SES's sends per second (absent: no limit). */
export function localMaxSendRate(env: NodeJS.ProcessEnv): number | undefined {
  const value = env.SCOPEGATE_SES_MAX_SEND_RATE;
  if (value === undefined || value === '') return undefined;
  const rate = Number(value);
  if (!Number.isFinite(rate) || rate <= 0)
    throw new RangeError('SCOPEGATE_SES_MAX_SEND_RATE must be a positive number');
  return rate;
}
