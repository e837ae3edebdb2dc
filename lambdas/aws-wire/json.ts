/** The JSON that AWS's JSON protocols carry: bytes travel as base64 text. */

/**
 * A request as JSON: bytes anywhere in it (a Uint8Array or Buffer, any typed array or DataView, an
 * ArrayBuffer — DynamoDB's binary values, SES's raw message, WhatsApp's message blob) become base64.
 */
export function toWireJson(request: unknown): string {
  // The holder's own member, not `value`: JSON.stringify has already turned a Buffer into
  // {type, data} through its toJSON by the time the replacer sees it.
  return JSON.stringify(request, function (this: Record<string, unknown>, name: string, value: unknown) {
    const bytes = bytesOf(this[name]);
    return bytes === undefined ? value : bytes.toString('base64');
  });
}

function bytesOf(value: unknown): Buffer | undefined {
  if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  return undefined;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A successful answer's body as a JSON object. Anything else (an empty body included) is a broken
 * answer, thrown and not retried: for DynamoDB an empty answer must never read as "no item".
 */
export function answerObject(text: string, service: string): Readonly<Record<string, unknown>> {
  const parsed: unknown = JSON.parse(text);
  if (!isObject(parsed)) throw new Error(`${service} answered with something other than a JSON object`);
  return parsed;
}

/** The string at `value`, or undefined when it is absent or not a string. */
export function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
