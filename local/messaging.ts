/**
 * The local stand-in for AWS End User Messaging: it answers the two calls scopegate makes, in their
 * own wire protocols, so the same SDK clients run locally with only `endpoint` changed —
 * SMS `SendTextMessage` (AWS JSON 1.0: `POST /`, `X-Amz-Target: PinpointSMSVoiceV2.SendTextMessage`)
 * and Social `SendWhatsAppMessage` (REST-JSON: `POST /v1/whatsapp/send`, the Meta message JSON
 * base64-encoded in `message`). No maintained emulator implements either call.
 *
 * `GET /store` answers `{"sms":[…],"whatsapp":[…]}` (every message since the start, in memory) and
 * `GET /` shows them as a page. A destination ending in `0000` is stored as failed, and the local
 * stack's events say so (local/messaging-events.ts).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { failsLocally } from './messaging-events.js';

export interface StoredSms {
  readonly message_id: string;
  readonly to: string;
  readonly from: string;
  readonly body: string;
  readonly message_type: string;
  readonly configuration_set: string | null;
  readonly status: 'delivered' | 'failed';
  readonly created_at: string;
}

export interface StoredWhatsapp {
  readonly message_id: string;
  readonly phone_number_id: string;
  readonly to: string;
  readonly type: string;
  readonly text: unknown;
  readonly template: unknown;
  readonly meta_api_version: string;
  readonly status: 'delivered' | 'failed';
  readonly created_at: string;
}

export interface MessagingStandIn {
  readonly endpoint: string;
  stop(): Promise<void>;
}

const SMS_TARGET = 'PinpointSMSVoiceV2.SendTextMessage';
const E164 = /^\+[1-9]\d{1,14}$/;
/** What the services accept; larger requests are refused before they are read whole. */
const MAX_REQUEST_BYTES = 1024 * 1024;

class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startMessagingStandIn(options: {
  host: string;
  port: number;
}): Promise<MessagingStandIn> {
  const store = { sms: [] as StoredSms[], whatsapp: [] as StoredWhatsapp[] };
  const server: Server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      const failure =
        error instanceof ServiceError
          ? error
          : new ServiceError(500, 'InternalServerException', 'Internal error.');
      answerError(request, response, failure);
    });
  });
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    if (method === 'GET' && url.pathname === '/store') return answer(response, 200, store);
    if (method === 'GET' && url.pathname === '/') return answerPage(response, store);
    if (method === 'POST' && url.pathname === '/' && request.headers['x-amz-target'] !== undefined) {
      if (request.headers['x-amz-target'] !== SMS_TARGET) {
        throw new ServiceError(
          400,
          'UnknownOperationException',
          'The local stand-in answers SendTextMessage only.',
        );
      }
      const stored = sendTextMessage(await readJson(request));
      store.sms.push(stored);
      return answer(response, 200, { MessageId: stored.message_id }, 'application/x-amz-json-1.0');
    }
    if (method === 'POST' && url.pathname === '/v1/whatsapp/send') {
      const stored = sendWhatsAppMessage(await readJson(request));
      store.whatsapp.push(stored);
      return answer(response, 200, { messageId: stored.message_id });
    }
    throw new ServiceError(404, 'ResourceNotFoundException', `No local route for ${method} ${url.pathname}.`);
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${options.host}:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function sendTextMessage(body: Record<string, unknown>): StoredSms {
  const to = requiredString(body, 'DestinationPhoneNumber');
  if (!E164.test(to)) throw validation('DestinationPhoneNumber must be a phone number in E.164 format.');
  const text = requiredString(body, 'MessageBody');
  if (text.length > 1600) throw validation('MessageBody must be at most 1600 characters.');
  return {
    message_id: randomUUID(),
    to,
    from: requiredString(body, 'OriginationIdentity'),
    body: text,
    message_type: typeof body.MessageType === 'string' ? body.MessageType : 'TRANSACTIONAL',
    configuration_set: typeof body.ConfigurationSetName === 'string' ? body.ConfigurationSetName : null,
    status: failsLocally(to) ? 'failed' : 'delivered',
    created_at: new Date().toISOString(),
  };
}

function sendWhatsAppMessage(body: Record<string, unknown>): StoredWhatsapp {
  const phoneNumberId = requiredString(body, 'originationPhoneNumberId');
  const metaApiVersion = requiredString(body, 'metaApiVersion');
  let message: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(
      Buffer.from(requiredString(body, 'message'), 'base64').toString('utf8'),
    );
    message = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    throw validation('message must be base64-encoded Meta message JSON.');
  }
  if (message.messaging_product !== 'whatsapp')
    throw validation('message.messaging_product must be whatsapp.');
  const to = typeof message.to === 'string' ? message.to : '';
  if (!E164.test(to)) throw validation('message.to must be a phone number in E.164 format.');
  if (message.type !== 'text' && message.type !== 'template') {
    throw validation('message.type must be text or template (the local stand-in sends no media).');
  }
  return {
    message_id: randomUUID(),
    phone_number_id: phoneNumberId,
    to,
    type: message.type,
    text: message.text ?? null,
    template: message.template ?? null,
    meta_api_version: metaApiVersion,
    status: failsLocally(to) ? 'failed' : 'delivered',
    created_at: new Date().toISOString(),
  };
}

function requiredString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') throw validation(`${name} is required.`);
  return value;
}

function validation(message: string): ServiceError {
  return new ServiceError(400, 'ValidationException', message);
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) throw validation('The request is too large.');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    const parsed: unknown = text === '' ? {} : JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // answered below
  }
  throw new ServiceError(400, 'SerializationException', 'The request body must be a JSON object.');
}

function answer(
  response: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json',
): void {
  response.writeHead(status, { 'content-type': contentType });
  response.end(JSON.stringify(body));
}

/**
 * Errors as each protocol writes them: the SDKs read the error's name from `x-amzn-ErrorType` (and
 * AWS JSON from `__type` in the body too).
 */
function answerError(request: IncomingMessage, response: ServerResponse, error: ServiceError): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const awsJson = request.headers['x-amz-target'] !== undefined;
  response.writeHead(error.status, {
    'content-type': awsJson ? 'application/x-amz-json-1.0' : 'application/json',
    'x-amzn-errortype': error.type,
  });
  response.end(
    JSON.stringify(awsJson ? { __type: error.type, message: error.message } : { message: error.message }),
  );
}

function answerPage(response: ServerResponse, store: { sms: StoredSms[]; whatsapp: StoredWhatsapp[] }): void {
  const rows = (cells: string[][]) =>
    cells.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('');
  const sms = rows(
    [...store.sms].reverse().map((item) => [item.created_at, item.from, item.to, item.status, item.body]),
  );
  const whatsapp = rows(
    [...store.whatsapp]
      .reverse()
      .map((item) => [
        item.created_at,
        item.phone_number_id,
        item.to,
        item.status,
        JSON.stringify(item.text ?? item.template),
      ]),
  );
  const table = (title: string, head: string[], body: string) =>
    `<h2>${title}</h2><table><tr>${head.map((cell) => `<th>${cell}</th>`).join('')}</tr>${body}</table>`;
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  response.end(
    `<!doctype html><meta charset="utf-8"><title>scopegate local messaging</title>` +
      `<style>body{font-family:sans-serif}td,th{border:1px solid #ccc;padding:4px;text-align:left;vertical-align:top}table{border-collapse:collapse}</style>` +
      `<h1>Local messaging</h1><p>Every SMS and WhatsApp message sent since the stack started (JSON: <a href="/store">/store</a>). Numbers ending in 0000 fail.</p>` +
      table('SMS', ['sent at', 'from', 'to', 'status', 'body'], sms) +
      table('WhatsApp', ['sent at', 'phone number id', 'to', 'status', 'message'], whatsapp),
  );
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
