import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { replyOf } from '../../../../lambdas/http/reply.js';

describe('replyOf', () => {
  it('takes the whole output as the body of a contract without response headers', () => {
    expect(replyOf({ response: { status: 200, description: '', schema: z.unknown() } }, { id: 'x' })).toEqual(
      {
        body: { id: 'x' },
        headers: {},
      },
    );
  });

  it('answers an empty body for a contract without a response schema', () => {
    expect(replyOf({ response: { status: 202, description: '' } }, { id: 'x' })).toEqual({
      body: undefined,
      headers: {},
    });
  });

  it('keeps only the string headers the contract names', () => {
    const response = {
      status: 202,
      description: '',
      headers: z.object({ 'x-message-id': z.string() }),
    } as const;
    expect(
      replyOf(
        { response },
        { body: { ignored: true }, headers: { 'x-message-id': 'em_1', 'set-cookie': 'no' } },
      ),
    ).toEqual({ body: undefined, headers: { 'x-message-id': 'em_1' } });
  });

  it.each([
    ['the other status it offers', 200, 200],
    ['its own status when the handler names none', undefined, undefined],
    ['its own status when the handler names one it does not offer', 201, undefined],
  ])('answers %s', (_case, chosen, expected) => {
    const response = {
      status: 202,
      description: '',
      headers: z.object({ 'x-message-id': z.string() }),
      otherStatus: { status: 200, description: 'sandbox' },
    } as const;
    expect(replyOf({ response }, { body: undefined, headers: {}, status: chosen }).status).toBe(expected);
  });
});
