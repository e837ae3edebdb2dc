/** The local stack's line per request: enough to follow what a client did, never a key or a body. */
import type { AccessLogEntry } from './gateway.js';

export function accessLogLine(entry: AccessLogEntry): string {
  return [
    entry.method.padEnd(6),
    entry.path,
    entry.status,
    `${entry.durationMs}ms`,
    entry.keyPrefix ?? '-',
    entry.sourceIp,
    entry.requestId,
  ].join(' ');
}
