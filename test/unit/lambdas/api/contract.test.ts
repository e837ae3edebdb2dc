/**
 * What a handler may answer is its contract's response shape, checked by the compiler: the
 * `@ts-expect-error` lines below fail `npx tsc --noEmit` if a wrong answer ever type-checks again.
 */
import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { defineContract, type ResponseOf } from '../../../../lambdas/api/contract.js';

const withBody = defineContract({
  response: { status: 200, description: 'x', schema: z.object({ id: z.string() }) },
});
const empty = defineContract({ response: { status: 202, description: 'x' } });
const withHeaders = defineContract({
  response: { status: 202, description: 'x', headers: z.object({ 'x-message-id': z.string() }) },
});

describe('ResponseOf', () => {
  it("is the response schema's input, undefined without a schema, { body, headers } with headers", () => {
    const body: ResponseOf<typeof withBody> = { id: 'a' };
    // @ts-expect-error a body of another shape is not the contract's answer
    const wrong: ResponseOf<typeof withBody> = { other: 1 };
    const none: ResponseOf<typeof empty> = undefined;
    // @ts-expect-error an answer without a schema has no body
    const notNone: ResponseOf<typeof empty> = { id: 'a' };
    const headed: ResponseOf<typeof withHeaders> = { body: undefined, headers: { 'x-message-id': 'm' } };
    expect([body, wrong, none, notNone, headed]).toHaveLength(5);
    expect([withBody, empty, withHeaders].map((contract) => contract.response.status)).toEqual([
      200, 202, 202,
    ]);
  });
});
