/**
 * Uniqueness in the Data table: what a cancelled DynamoDB transaction says about which of its
 * conditions failed, how a display name is compared, and the error a taken name or id becomes.
 */

/** A team, project or name that already exists: the CLI's `already_exists` (the API's 409). */
export class AlreadyExistsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlreadyExistsError';
  }
}

/**
 * The reason codes of a cancelled transaction, one per transaction item in order (`None`,
 * `ConditionalCheckFailed`, `TransactionConflict`, …); undefined for any other error. Recognised by
 * name, like isConditionalCheckFailure, so any copy of the SDK is recognised.
 */
export function cancellationCodes(error: unknown): readonly string[] | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  const reasons: unknown = 'CancellationReasons' in error ? error.CancellationReasons : undefined;
  if (!Array.isArray(reasons)) return [];
  return reasons.map((reason: unknown) =>
    typeof reason === 'object' && reason !== null && 'Code' in reason && typeof reason.Code === 'string'
      ? reason.Code
      : 'None',
  );
}

/** True when the transaction lost a race with another one and may simply be tried again. */
export function isTransactionConflict(codes: readonly string[]): boolean {
  return codes.includes('TransactionConflict') && !codes.includes('ConditionalCheckFailed');
}

/**
 * Names are unique case-insensitively, ignoring surrounding spaces: "Marketing" and "marketing " are
 * the same name to a person reading a list, so they are the same name here.
 */
export function nameKey(name: string): string {
  return name.trim().normalize('NFC').toLowerCase();
}
