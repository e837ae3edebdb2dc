/**
 * A DynamoDB operation as a value: its name, its input, and its translation to and from DynamoDB's
 * JSON. The document commands (document-commands.ts) marshal native values; the item commands
 * (item-commands.ts) pass AttributeValues through. Documents.send runs any of them.
 */
import type { DynamoAnswer } from './client.js';

/** What every output carries besides its own members, as the SDK's `$metadata` does. */
export interface AnswerMetadata {
  readonly httpStatusCode: number;
  readonly requestId: string | undefined;
  readonly attempts: number;
}

export abstract class DynamoCommand<Input, Output> {
  /** DynamoDB's name of the operation: the end of the X-Amz-Target header. */
  abstract readonly operation: string;

  constructor(readonly input: Input) {}

  /** The request in DynamoDB's JSON (AttributeValues; bytes may stay Uint8Arrays). */
  abstract toRequest(): object;

  /** The output, from a successful answer. Throws on an answer it cannot read. */
  abstract fromAnswer(answer: DynamoAnswer): Output;
}

export function metadataOf(answer: DynamoAnswer): AnswerMetadata {
  return { httpStatusCode: 200, requestId: answer.requestId, attempts: answer.attempts };
}

/**
 * The answer's members with `converted` in place of the raw ones (a member converted to undefined
 * is left out, as the SDK leaves out what DynamoDB did not send) and `$metadata` added.
 */
export function outputOf<Output>(answer: DynamoAnswer, converted: Readonly<Record<string, unknown>>): Output {
  const members = Object.entries({ ...answer.body, ...converted }).filter(([, value]) => value !== undefined);
  return { ...Object.fromEntries(members), $metadata: metadataOf(answer) } as Output;
}
