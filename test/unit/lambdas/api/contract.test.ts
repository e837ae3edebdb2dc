/**
 * Contract types: what a handler may return is its contract's response shape. Checked by the
 * compiler (`npx tsc --noEmit` covers the tests).
 */
import * as z from 'zod/mini';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { defineContract, type ResponseOf } from '../../../../lambdas/api/contract.js';

const withBody = defineContract({
  response: { status: 200, description: 'x', schema: z.object({ id: z.string() }) },
});
const withHeaders = defineContract({
  response: { status: 202, description: 'x', headers: z.object({ 'x-message-id': z.string() }) },
});

describe('ResponseOf', () => {
  it('keeps the contracts as given', () => {
    expect(withBody.response.status).toBe(200);
    expect(withHeaders.response.status).toBe(202);
  });

  it("is the response schema's input for a contract without response headers (never unknown)", () => {
    expectTypeOf<ResponseOf<typeof withBody>>().toEqualTypeOf<{ id: string }>();
  });

  it('is { body, headers } for a contract with response headers', () => {
    expectTypeOf<ResponseOf<typeof withHeaders>>().toHaveProperty('headers');
  });
});
