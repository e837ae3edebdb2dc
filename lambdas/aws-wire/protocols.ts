/**
 * The two AWS JSON protocols scopegate speaks, as the SDK's serializers lay them out: awsJson1_0
 * (every operation a POST to `/` named by X-Amz-Target) and restJson1 (each operation its own method
 * and path, a JSON body). Both name an error the same way.
 */
import { AwsServiceError } from './errors.js';
import { isObject, toWireJson } from './json.js';
import type { ServiceRequest } from './signed-client.js';
import type { Answer } from './transport.js';

/** awsJson1_0: `POST /`, `X-Amz-Target: <prefix>.<operation>`, the input as the body. */
export function awsJson10Request(targetPrefix: string, operation: string, input: object): ServiceRequest {
  return {
    method: 'POST',
    path: '/',
    headers: {
      'Content-Type': 'application/x-amz-json-1.0',
      'X-Amz-Target': `${targetPrefix}.${operation}`,
    },
    body: toWireJson(input),
  };
}

/** restJson1: the operation's method and path; a body only when the operation has body members. */
export function restJsonRequest(
  method: ServiceRequest['method'],
  path: string,
  body?: object,
): ServiceRequest {
  if (body === undefined) return { method, path, headers: {}, body: '' };
  return { method, path, headers: { 'Content-Type': 'application/json' }, body: toWireJson(body) };
}

/** A path label as the SDK encodes it (RFC 3986: also `!'()*`). */
export function pathLabel(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * An error answer as the SDK reads it: the type from the `x-amzn-errortype` header (the part before
 * `:`), else the body's `code` or `__type` (the part after `#`); the message from `message` or
 * `Message`. A body that is not JSON (a proxy's error page) leaves the status to decide.
 */
export function jsonErrorOf(service: string): (answer: Answer) => AwsServiceError {
  return (answer) => {
    let fields: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(answer.body);
      if (isObject(parsed)) fields = parsed;
    } catch {
      // Not JSON: the status alone decides.
    }
    const raw = answer.errorType ?? stringMember(fields, 'code') ?? stringMember(fields, '__type');
    const type = raw === undefined ? undefined : sanitizeErrorType(raw);
    const message =
      stringMember(fields, 'message') ??
      stringMember(fields, 'Message') ??
      `${service} answered HTTP ${answer.status}`;
    return new AwsServiceError(answer.status, type === '' ? undefined : type, message, answer.requestId);
  };
}

/** `aws.protocoltests#FooError:http://…` → `FooError`, as the SDK's sanitizeErrorCode does. */
function sanitizeErrorType(raw: string): string {
  const beforeColon = (raw.split(',')[0] ?? '').split(':')[0] ?? '';
  const afterHash = beforeColon.split('#');
  return (afterHash[afterHash.length - 1] ?? '').trim();
}

function stringMember(fields: Record<string, unknown>, name: string): string | undefined {
  const value = fields[name];
  return typeof value === 'string' ? value : undefined;
}
