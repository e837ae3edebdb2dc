/**
 * The SQS consumer of SES events and End User Messaging (SMS, WhatsApp) events: each message is
 * processed on its own and only the ones that may succeed later are handed back (SQS partial batch
 * responses), so one bad message never makes its batch's good ones run again, and one that keeps
 * failing ends in the dead-letter queue.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { describeError } from '../keys/redaction.js';
import { type EventsDependencies, processQueueMessage } from './process.js';

export interface ConsumerLog {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

export function sesEventsConsumer(deps: EventsDependencies, log: ConsumerLog) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      const messageId = record.messageId;
      try {
        const outcome = await processQueueMessage(deps, record.body);
        if (outcome === 'unknown_message') {
          log.warn('SES event for a message id not recorded yet; retried later', { messageId });
          failures.push({ itemIdentifier: messageId });
        } else if (outcome === 'invalid') {
          log.error('queue message is not an SES event; dropped', { messageId });
        } else {
          log.info('SES event processed', { messageId, outcome });
        }
      } catch (error) {
        log.error('SES event not processed; retried later', { messageId, error: describeError(error) });
        failures.push({ itemIdentifier: messageId });
      }
    }
    return { batchItemFailures: failures };
  };
}
