/** Loads something from the API for a page, reloadable; a failure goes to the error banner. */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { apiKey } from './session';
import { type ApiClient, apiClient } from './api';
import { showError } from './errors';

export interface Resource<T> {
  readonly value: T | undefined;
  readonly loading: boolean;
  reload(): void;
}

export function useClient(): ApiClient {
  const key = apiKey.value;
  if (key === undefined) throw new Error('No key: the pages are shown only after a key is pasted.');
  return apiClient(key, location.href);
}

export function useResource<T>(
  load: (client: ApiClient) => Promise<T>,
  deps: readonly unknown[],
): Resource<T> {
  const client = useClient();
  const [value, setValue] = useState<T | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    setLoading(true);
    load(client)
      .then((loaded) => current && setValue(loaded))
      .catch((error: unknown) => current && showError(error))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
    // The loader is a new closure each render; what it depends on is listed by the caller.
  }, [apiKey.value, generation, ...deps]);
  const reload = useCallback(() => setGeneration((next) => next + 1), []);
  return { value, loading, reload };
}
