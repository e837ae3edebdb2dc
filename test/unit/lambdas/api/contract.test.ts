/**
 * What a handler must return, as the compiler sees it: a contract's response schema types its
 * handler's answer (checked by `npx tsc --noEmit`; expectTypeOf does nothing at run time).
 */
import { describe, expectTypeOf, it } from 'vitest';
import * as z from 'zod/mini';
import { defineContract, type ResponseOf } from '../../../../lambdas/api/contract.js';

const _withBody = defineContract({
  response: { status: 200, description: 'x', schema: z.object({ id: z.string() }) },
});
const _empty = defineContract({ response: { status: 202, description: 'accepted' } });
const _withHeaders = defineContract({
  response: {
    status: 202,
    description: 'accepted',
    headers: z.object({ 'x-message-id': z.string() }),
  },
});

describe('ResponseOf', () => {
  it("is the response schema's input for a contract with a body", () => {
    expectTypeOf<ResponseOf<typeof _withBody>>().toEqualTypeOf<{ id: string }>();
  });

  it('is undefined for an empty answer', () => {
    expectTypeOf<ResponseOf<typeof _empty>>().toEqualTypeOf<undefined>();
  });

  it('is { body, headers } for a contract that declares response headers', () => {
    expectTypeOf<ResponseOf<typeof _withHeaders>>().toEqualTypeOf<{
      readonly body: undefined;
      readonly headers: { 'x-message-id': string };
    }>();
  });
});
