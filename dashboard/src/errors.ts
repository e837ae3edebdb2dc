/** The one error banner's state: the last failure, shown as the API worded it. */
import { signal } from '@preact/signals';
import { ApiFailure } from './api';

export const lastError = signal<ApiFailure | undefined>(undefined);

export function showError(error: unknown): void {
  lastError.value =
    error instanceof ApiFailure
      ? error
      : new ApiFailure(
          error instanceof Error ? error.message : String(error),
          undefined,
          undefined,
          undefined,
        );
}

export function clearError(): void {
  lastError.value = undefined;
}

/** Runs a user action: clears the banner first, shows whatever the action fails with. */
export async function run<T>(action: () => Promise<T>): Promise<T | undefined> {
  clearError();
  try {
    return await action();
  } catch (error) {
    showError(error);
    return undefined;
  }
}
