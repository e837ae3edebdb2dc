/**
 * The two refusals recording a provider event expects, shared by the SES and the SMS/WhatsApp event
 * stores: the event was recorded before (its transaction's first item, the event, exists), and a
 * forward-only update found the message already further along.
 */
import type { Documents } from '../aws/aws-clients.js';
import type { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { cancellationCodes } from '../aws/conflicts.js';
import { isConditionalCheckFailure } from '../aws/dynamo-errors.js';

/** The transaction was cancelled because its first item (the event) exists: recorded before. */
export function isRecordedBefore(error: unknown): boolean {
  return cancellationCodes(error)?.[0] === 'ConditionalCheckFailed';
}

/** A refused forward-only update means the message is already further along: nothing to do. */
export async function ignoringRefusal(documents: Documents, command: UpdateCommand): Promise<void> {
  try {
    await documents.send(command);
  } catch (error) {
    if (!isConditionalCheckFailure(error)) throw error;
  }
}
