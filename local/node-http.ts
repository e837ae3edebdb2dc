/** Node HTTP plumbing for the local gateway: bounded body reads, header shapes, writing a proxy result. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyResult } from 'aws-lambda';

/** Reads the body, refusing more than `maxBytes` without buffering it all. */
export async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | 'too-large'> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > maxBytes) {
    request.resume();
    return 'too-large';
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      request.resume();
      return 'too-large';
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** API Gateway's `headers`: the last value of each name. */
export function lastValues(multiValue: Readonly<Record<string, string[]>>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(multiValue)) {
    const last = values.at(-1);
    if (last !== undefined) headers[name] = last;
  }
  return headers;
}

export function multiValueHeaders(request: IncomingMessage): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (let index = 0; index < request.rawHeaders.length; index += 2) {
    const name = (request.rawHeaders[index] ?? '').toLowerCase();
    const value = request.rawHeaders[index + 1] ?? '';
    headers[name] = [...(headers[name] ?? []), value];
  }
  return headers;
}

export function send(response: ServerResponse, result: APIGatewayProxyResult): void {
  if (response.headersSent) return;
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {}))
    headers[name.toLowerCase()] = values.map(String);
  const body = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body, 'utf8');
  response.writeHead(result.statusCode, { ...headers, 'content-length': String(body.length) });
  response.end(body);
}
