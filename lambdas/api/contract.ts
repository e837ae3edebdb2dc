/**
 * A route's contract: the zod schemas of its request (path parameters, query, headers, body) and of
 * its successful response. Handlers receive only what these schemas parsed, and the OpenAPI document
 * is generated from the same objects, so nothing else describes a route.
 */
import type * as z from 'zod/mini';
import type { ErrorCode } from './errors.js';

export interface RouteContract {
  /** Path parameters, e.g. `{ id }` for `/v1/emails/{id}`. */
  readonly params?: z.ZodMiniObject;
  readonly query?: z.ZodMiniObject;
  /** Request headers the route reads, named in lower case (e.g. `idempotency-key`). */
  readonly headers?: z.ZodMiniObject;
  readonly body?: z.ZodMiniType;
  readonly response: {
    /** 202: accepted with an empty body (SendGrid's mail send); give no `schema` then. */
    readonly status: 200 | 201 | 202;
    readonly description: string;
    /** The body's shape; absent for an answer with an empty body. */
    readonly schema?: z.ZodMiniType;
    /**
     * Response headers the handler sets (e.g. SendGrid's `X-Message-Id`), named as sent: the handler
     * then returns `{ body, headers }` instead of the body alone.
     */
    readonly headers?: z.ZodMiniObject;
    /**
     * A second success the handler may answer instead, by returning `status` beside `{ body, headers }`
     * (so only with `headers`): SendGrid's sandbox mode answers 200 where a send answers 202.
     */
    readonly otherStatus?: { readonly status: 200 | 201 | 202; readonly description: string };
    /**
     * Top-level fields shown only in this answer (an API key's `key`, a webhook's
     * `signing_secret`): an idempotent route stores its answer without them, so a replay never
     * hands a secret out again — to anyone — and no secret sits in the Data table or its backups.
     */
    readonly secretFields?: readonly string[];
  };
  /**
   * The route creates something: the frame accepts an `Idempotency-Key` header, claims the key per
   * project and route, and answers a retry with the first answer (see lambdas/http/idempotency.ts). The header
   * is added to `headers`, and the 409s to `errors`, by the frame and the OpenAPI document alike.
   */
  readonly idempotent?: true;
  /**
   * The status a replay answers, default `response.status`. A route with `secretFields` replays 200:
   * the replay answers the resource without its secret and creates nothing.
   */
  readonly replayStatus?: 200 | 201;
  /** Error codes this route can answer besides the ones every route can (see OPENAPI_COMMON_ERRORS). */
  readonly errors?: readonly ErrorCode[];
  /**
   * Body fields of Resend's or SendGrid's API that scopegate cannot honour, as paths (`topic_id`,
   * `attachments[].path`: `[]` is each item of a list). The frame answers 422 `invalid_parameter`
   * naming the first one a request sets (not null), before validating or doing anything.
   */
  readonly unsupportedFields?: readonly string[];
}

/** Keeps the literal types of a contract so handlers see exactly what its schemas parse. */
export function defineContract<const C extends RouteContract>(contract: C): C {
  return contract;
}

type Parsed<S> = S extends z.ZodMiniType ? z.output<S> : undefined;

/** What a handler receives: the request's parts after its contract's schemas parsed them. */
export interface ParsedRequest<C extends RouteContract, Auth> {
  readonly auth: Auth;
  readonly params: Parsed<C['params']>;
  readonly query: Parsed<C['query']>;
  readonly headers: Parsed<C['headers']>;
  readonly body: Parsed<C['body']>;
  readonly requestId: string;
  /**
   * For a route that keeps its own idempotency claims (the email sends): its answer is a replay of
   * an earlier one, so the frame adds `Idempotent-Replayed: true`.
   */
  readonly markReplayed: () => void;
}

/**
 * A contract's body: its schema's input, undefined for an empty answer, unknown for any contract.
 * (Tested by key rather than against `{ schema?: undefined }`: a type with only optional properties
 * is a "weak type", which no contract without the property extends, and the answer became unknown.)
 */
type BodyOf<R extends RouteContract['response']> = R extends {
  readonly schema: infer S extends z.ZodMiniType;
}
  ? z.input<S>
  : // Not `R extends { schema?: undefined }`: a type with only optional properties is a weak type,
    // which a response without `schema` fails to extend for sharing no property with it.
    'schema' extends keyof R
    ? unknown
    : undefined;

type OtherStatusOf<R extends RouteContract['response']> = R extends {
  readonly otherStatus: { readonly status: infer S };
}
  ? S
  : never;

/**
 * What a handler returns: a body of the contract's response shape (status comes from the contract),
 * or, for a contract that declares response headers, `{ body, headers }`.
 */
export type ResponseOf<C extends RouteContract> = C['response'] extends {
  readonly headers: infer H extends z.ZodMiniObject;
}
  ? {
      readonly body: BodyOf<C['response']>;
      readonly headers: z.input<H>;
      /** Omitted: `response.status`; else the contract's `otherStatus`. */
      readonly status?: OtherStatusOf<C['response']>;
    }
  : 'headers' extends keyof C['response']
    ? unknown
    : BodyOf<C['response']>;
