/**
 * A fake AWS service at the HTTP level for fault tests: it answers each request from a script — an
 * error status, a throttle, silence, silence after the headers, a connection closed before or during
 * the answer — and records what it received (headers, JSON body, which connection carried it).
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake does with one request. */
export type FaultStep =
  | { readonly status: number; readonly body: string; readonly headers?: Readonly<Record<string, string>> }
  | 'close' // the connection is destroyed without an answer
  | 'close-mid-body' // headers and half a body, then the connection is destroyed
  | 'silence' // the request is read and never answered
  | 'silence-after-headers'; // the headers are sent, the body never comes

export interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The JSON body, or undefined for a request without one. */
  readonly body: unknown;
  /** Which connection carried it, numbered from 1 in order of first use. */
  readonly socket: number;
}

export interface FaultServer {
  readonly endpoint: URL;
  /** The steps still to play, in order; a request past the last gets a 500. */
  script: FaultStep[];
  readonly received: Received[];
  /** Ends every open connection, empties the script and what was received. */
  reset(): void;
  stop(): Promise<void>;
}

/** `contentType` is the protocol's: application/x-amz-json-1.0 or application/json. */
export async function startFaultServer(contentType: string): Promise<FaultServer> {
  const sockets = new Map<object, number>();
  const fake: Omit<FaultServer, 'endpoint' | 'stop'> = {
    script: [],
    received: [],
    reset() {
      server.closeAllConnections();
      fake.script = [];
      fake.received.length = 0;
    },
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (!sockets.has(request.socket)) sockets.set(request.socket, sockets.size + 1);
      const text = Buffer.concat(chunks).toString();
      fake.received.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: text === '' ? undefined : (JSON.parse(text) as unknown),
        socket: sockets.get(request.socket) ?? 0,
      });
      const head = { 'content-type': contentType, 'x-amzn-requestid': `REQ${fake.received.length}` };
      play(fake.script.shift() ?? { status: 500, body: 'no step scripted' }, response, head);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(fake, {
    endpoint: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

function play(step: FaultStep, response: ServerResponse, head: Record<string, string>): void {
  if (step === 'close') response.socket?.destroy();
  else if (step === 'close-mid-body') {
    response.writeHead(200, { ...head, 'content-length': '40' }).write('{"Item":{"pk":');
    setImmediate(() => response.socket?.destroy());
  } else if (step === 'silence-after-headers') response.writeHead(200, head).flushHeaders();
  else if (step !== 'silence') response.writeHead(step.status, { ...head, ...step.headers }).end(step.body);
}
