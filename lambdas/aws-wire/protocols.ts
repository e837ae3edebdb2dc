/**
 * The two AWS JSON protocols scopegate speaks, as the SDK's serializers lay them out: awsJson1_0
 * (every operation a POST to `/` named by X-Amz-Target) and restJson1 (each operation its own method
 * and path, a JSON body). Both name an error the same way.
 */
import { AwsServiceError } from './errors.js';
import { isObject, stringOf, toWireJson } from './json.js';
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
    const fields = errorFields(answer.body);
    const raw = answer.errorType ?? stringOf(fields.code) ?? stringOf(fields.__type);
    const type = raw === undefined ? undefined : sanitizeErrorType(raw);
    const message = errorMessage(fields, `${service} answered HTTP ${answer.status}`);
    return new AwsServiceError(answer.status, type === '' ? undefined : type, message, answer.requestId);
  };
}

/** An error answer's JSON members; none when the body is not a JSON object (a proxy's error page). */
export function errorFields(body: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body);
    if (isObject(parsed)) return parsed;
  } catch {
    // Not JSON: the status alone decides.
  }
  return {};
}

/** The error's message as the SDK reads it (`message`, else `Message`), or `fallback`. */
export function errorMessage(fields: Record<string, unknown>, fallback: string): string {
  return stringOf(fields.message) ?? stringOf(fields.Message) ?? fallback;
}

/** `aws.protocoltests#FooError:http://…` → `FooError`, as the SDK's sanitizeErrorCode does. */
function sanitizeErrorType(raw: string): string {
  const beforeColon = (raw.split(',')[0] ?? '').split(':')[0] ?? '';
  const afterHash = beforeColon.split('#');
  return (afterHash[afterHash.length - 1] ?? '').trim();
}
