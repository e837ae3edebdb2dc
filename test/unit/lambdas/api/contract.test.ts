/**
 * What the compiler holds a handler to (checked by `tsc`, which type-checks the tests): the body of
 * its contract's response, `{ body, headers, status? }` with response headers, nothing for an empty
 * answer. A weak-type slip once made every one of these `unknown`, so no handler's answer was checked.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as z from 'zod/mini';
import { defineContract, type ResponseOf, type RouteContract } from '../../../../lambdas/api/contract.js';

const withBody = defineContract({
  response: { status: 200, description: '', schema: z.object({ id: z.string() }) },
});
const empty = defineContract({ response: { status: 202, description: '' } });
const withHeaders = defineContract({
  response: {
    status: 202,
    description: '',
    headers: z.object({ 'x-message-id': z.optional(z.string()) }),
    otherStatus: { status: 200, description: '' },
  },
});

describe('ResponseOf', () => {
  it('is the response schema’s input for a contract with a body', () => {
    expectTypeOf<ResponseOf<typeof withBody>>().toEqualTypeOf<{ id: string }>();
    expect(withBody.response.status).toBe(200);
  });

  it('is undefined for an empty answer', () => {
    expectTypeOf<ResponseOf<typeof empty>>().toEqualTypeOf<undefined>();
    expect(empty.response).not.toHaveProperty('schema');
  });

  it('is the body, the named headers and the other status for a contract with response headers', () => {
    expectTypeOf<ResponseOf<typeof withHeaders>>().toEqualTypeOf<{
      readonly body: undefined;
      readonly headers: { 'x-message-id'?: string | undefined };
      readonly status?: 200;
    }>();
    expect(withHeaders.response.otherStatus.status).toBe(200);
  });

  it('is unknown for any contract', () => {
    expectTypeOf<ResponseOf<RouteContract>>().toEqualTypeOf<unknown>();
  });
});
