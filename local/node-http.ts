/** Node HTTP plumbing for the local gateway: bounded body reads, header shapes, writing a proxy result. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyResult } from 'aws-lambda';

/**
 * Reads the body, refusing more than `maxBytes` without buffering it. A refused body is still read
 * and thrown away up to `discardBytes` (unless its content-length already says it is longer): the
 * answer goes out only once the client has finished writing, so a client still sending gets the
 * 413 rather than a connection reset (EPIPE / ECONNRESET) when the gateway answers early. Past
 * `discardBytes` the gateway stops reading and answers; that client may then see a reset.
 */
export function readBody(
  request: IncomingMessage,
  maxBytes: number,
  discardBytes: number,
): Promise<Buffer | 'too-large'> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > discardBytes) return Promise.resolve('too-large');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = declared > maxBytes;
    const stop = () => {
      request.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (!tooLarge && size > maxBytes) {
        tooLarge = true;
        chunks.length = 0;
      }
      if (!tooLarge) chunks.push(chunk);
      else if (size > discardBytes) {
        stop();
        resolve('too-large');
      }
    };
    const onEnd = () => {
      stop();
      resolve(tooLarge ? 'too-large' : Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    // Closed before its end (the client went away): nobody is left to answer but the access log.
    const onClose = () => {
      stop();
      if (tooLarge) resolve('too-large');
      else reject(new Error('the client closed the request before its end'));
    };
    request.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
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
