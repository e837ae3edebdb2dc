/**
 * The API client: openapi-fetch typed by the types generated from docs/openapi.json, so a renamed
 * field or route fails the typecheck. Every failure becomes an ApiFailure carrying the API's own
 * message, error_code and request_id, which the error banner shows verbatim.
 */
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './api.generated';

export type Schemas = components['schemas'];
export type ApiClient = Client<paths>;
type ErrorBody = Schemas['Error'];

/**
 * The API's base URL: the page is served at `<api>/dashboard/`, so the API is one level up (under a
 * deployed stage too, e.g. `/prod/dashboard/` → `/prod`).
 */
export function apiBaseUrl(pageUrl: string): string {
  return new URL('../', pageUrl).href.replace(/\/$/, '');
}

export function apiClient(key: string, pageUrl: string): ApiClient {
  return createClient<paths>({
    baseUrl: apiBaseUrl(pageUrl),
    headers: { authorization: `Bearer ${key}` },
    // No cookies exist for the API; nothing but the bearer key authenticates.
    credentials: 'omit',
    referrerPolicy: 'no-referrer',
  });
}

export class ApiFailure extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly errorCode: string | undefined,
    readonly requestId: string | undefined,
    readonly fieldErrors: readonly { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's body, or an ApiFailure built from the API's error body (as it was sent). */
export async function answer<T>(call: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await call;
  } catch (error) {
    throw new ApiFailure(
      `Could not reach the API: ${error instanceof Error ? error.message : String(error)}`,
      undefined,
      undefined,
      undefined,
    );
  }
  const { response } = result;
  if (response.ok && result.data !== undefined) return result.data;
  const requestId = response.headers.get('x-request-id') ?? response.headers.get('x-amzn-requestid');
  const body = isErrorBody(result.error) ? result.error : undefined;
  throw new ApiFailure(
    body?.message ?? `The API answered ${response.status} ${response.statusText}.`,
    response.status,
    body?.error_code,
    body?.request_id ?? requestId ?? undefined,
    body?.errors ?? [],
  );
}

function isErrorBody(value: unknown): value is ErrorBody {
  return typeof value === 'object' && value !== null && typeof (value as ErrorBody).message === 'string';
}
