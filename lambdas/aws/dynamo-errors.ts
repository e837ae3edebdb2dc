/**
 * Recognises DynamoDB's refusal of a ConditionExpression by the error's name, so no SDK class is
 * imported here (pure decisions that catch it stay free of the SDK) and any copy of the SDK is recognised.
 */
export function isConditionalCheckFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
