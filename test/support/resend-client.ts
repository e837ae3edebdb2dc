/**
 * Resend's own Node SDK pointed at a local stack, as a team moving over would point it at a deployed
 * one: `new Resend(key, { baseUrl: ApiUrl + 'resend' })`. The SDK sends the key as
 * `Authorization: Bearer <key>`, its own `User-Agent` (resend-node:<version>), JSON bodies with the
 * options it does not use left out, and `Idempotency-Key` from a call's `{ idempotencyKey }` option;
 * it answers `{ data, error, headers }` and never throws for an HTTP error: `error` is the parsed body
 * (`{ statusCode, name, message, … }`).
 */
import { Resend } from 'resend';

export function resendClient(stackUrl: string, key: string): Resend {
  return new Resend(key, { baseUrl: `${stackUrl.replace(/\/+$/, '')}/resend` });
}
