/**
 * A fake SES v2 at the HTTP level, for what the local SES cannot do: refuse, throttle or stall a
 * SendEmail. The services' SES client (with SES_BOUNDS) talks to it over HTTP exactly as it talks to
 * SES, so each answer goes through the client's own error parsing. Each SendEmail takes the next
 * scripted step, then the default.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSesClient } from '../../lambdas/aws/aws-clients.js';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { localTarget } from '../../local/config.js';

export type FakeSesStep =
  | { readonly messageId: string }
  /** SES's error type, sent as `x-amzn-ErrorType`, as SES does; 400 unless given. */
  | { readonly error: string; readonly message?: string; readonly status?: number }
  /** The request is read and never answered. */
  | 'stall';

export interface SendEmailRequest {
  readonly FromEmailAddress: string;
  readonly Destination: Record<string, string[]>;
  readonly Content: { readonly Raw: { readonly Data: string } };
}

export interface FakeSes {
  /** scopegate's SES client, pointed at the fake. */
  readonly client: SESv2Client;
  /** Every SendEmail body received, in order. */
  readonly requests: SendEmailRequest[];
  /** Queues steps for the next SendEmails. */
  next(...steps: FakeSesStep[]): void;
  /** What every SendEmail gets once the queue is empty (at first, a fresh message id). */
  always(step: FakeSesStep): void;
  /** Empties the queue and the requests, and restores the default. */
  reset(): void;
  stop(): Promise<void>;
}

/** The raw MIME message of a received SendEmail. */
export const rawMessageOf = (request: SendEmailRequest): string =>
  Buffer.from(request.Content.Raw.Data, 'base64').toString('latin1');

export async function startFakeSes(): Promise<FakeSes> {
  const requests: SendEmailRequest[] = [];
  let queue: FakeSesStep[] = [];
  let fallback: FakeSesStep | undefined;
  let counter = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== '/v2/email/outbound-emails') {
        answer(response, { error: 'NotFoundException', status: 404 });
        return;
      }
      requests.push(JSON.parse(Buffer.concat(chunks).toString()) as SendEmailRequest);
      answer(response, queue.shift() ?? fallback ?? { messageId: `fake-${++counter}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = createSesClient(localTarget(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  return {
    client,
    requests,
    next: (...steps) => queue.push(...steps),
    always: (step) => {
      fallback = step;
    },
    reset: () => {
      queue = [];
      fallback = undefined;
      requests.length = 0;
    },
    stop: () => {
      client.destroy();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function answer(response: ServerResponse, step: FakeSesStep): void {
  if (step === 'stall') return;
  if ('messageId' in step) {
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ MessageId: step.messageId }));
    return;
  }
  response
    .writeHead(step.status ?? 400, { 'content-type': 'application/json', 'x-amzn-ErrorType': step.error })
    .end(JSON.stringify({ message: step.message ?? `${step.error} from SES` }));
}
