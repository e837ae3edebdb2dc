/**
 * An HTTP proxy in front of a real service (DynamoDB Local) that loses answers: a request it is told
 * to drop is forwarded and fully executed upstream, then the client's connection is destroyed before
 * the answer reaches it — a write that committed and whose answer was lost in a timeout or a reset.
 */
import { createServer, type IncomingHttpHeaders, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Forwarded {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Whether the upstream answer was withheld from the client. */
  readonly dropped: boolean;
  /** The upstream answer's status. */
  readonly status: number;
}

export interface LossyProxy {
  readonly endpoint: string;
  /** Every request forwarded, in order. */
  readonly forwarded: Forwarded[];
  /** The next request matching `test` (on its headers) has its answer dropped; later ones pass. */
  dropNextAnswer(test: (headers: IncomingHttpHeaders) => boolean): void;
  stop(): Promise<void>;
}

export async function startLossyProxy(upstream: string): Promise<LossyProxy> {
  const target = new URL(upstream);
  const forwarded: Forwarded[] = [];
  let drop: ((headers: IncomingHttpHeaders) => boolean) | undefined;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const dropped = drop?.(request.headers) === true;
      if (dropped) drop = undefined;
      const outbound = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: request.method,
          path: request.url,
          headers: request.headers,
        },
        (answer) => {
          const answerChunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => answerChunks.push(chunk));
          answer.on('end', () => {
            forwarded.push({
              headers: request.headers,
              body: body.toString(),
              dropped,
              status: answer.statusCode ?? 0,
            });
            if (dropped) {
              request.socket.destroy();
              return;
            }
            response.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(answerChunks));
          });
        },
      );
      outbound.on('error', () => request.socket.destroy());
      outbound.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    forwarded,
    dropNextAnswer: (test) => {
      drop = test;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
