/**
 * The CloudWatch Logs subscription's payload (base64 of gzipped JSON) into a usage batch. The batch id
 * hashes the log group, stream and every log event id: a re-delivered payload gets the same id, so
 * the store counts it once.
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { CloudWatchLogsDecodedData, CloudWatchLogsEvent } from 'aws-lambda';
import { parseAccessLogRecord, type UsageRecord } from './access-log.js';
import type { UsageBatch } from './record-usage.js';

export function decodeSubscription(event: CloudWatchLogsEvent): CloudWatchLogsDecodedData {
  return JSON.parse(
    gunzipSync(Buffer.from(event.awslogs.data, 'base64')).toString('utf8'),
  ) as CloudWatchLogsDecodedData;
}

/** Undefined for CloudWatch's CONTROL_MESSAGE (sent when the subscription is created). */
export function usageBatchOf(data: CloudWatchLogsDecodedData): UsageBatch | undefined {
  if (data.messageType !== 'DATA_MESSAGE' || !Array.isArray(data.logEvents)) return undefined;
  const hash = createHash('sha256').update(`${data.logGroup}\n${data.logStream}`);
  const records: UsageRecord[] = [];
  for (const logEvent of data.logEvents) {
    hash.update(`\n${logEvent.id}`);
    const record = parseAccessLogRecord(logEvent.message, new Date(logEvent.timestamp));
    if (record) records.push(record);
  }
  return { id: hash.digest('base64url'), records };
}
