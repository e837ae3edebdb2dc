import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../../../lambdas/http/cursor.js';
import { ApiError } from '../../../../lambdas/api/errors.js';

const secret = randomBytes(32);
const scope = { projectId: 'proj_a', routeId: 'listEmails' };
const position = 'EMAIL#em_0Vbnq0000000000000000000';

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof ApiError
      ? { code: error.code, paths: error.errors?.map((e) => e.path) }
      : 'other';
  }
  return 'accepted';
};

describe('pagination cursors', () => {
  it('give back the position they were made for', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        fc.string({ minLength: 1, maxLength: 40 }),
        (anyPosition, projectId) => {
          const bound = { projectId, routeId: 'listEmails' };
          expect(decodeCursor(secret, bound, encodeCursor(secret, bound, anyPosition))).toBe(anyPosition);
        },
      ),
    );
  });

  it.each([
    ['another project', { ...scope, projectId: 'proj_b' }, secret],
    ['another route', { ...scope, routeId: 'listTemplates' }, secret],
    ['another stack (secret)', scope, randomBytes(32)],
  ])('made for %s are a 400 on the cursor parameter', (_case, otherScope, otherSecret) => {
    const cursor = encodeCursor(secret, scope, position);
    expect(refusal(() => decodeCursor(otherSecret, otherScope, cursor))).toEqual({
      code: 'validation_error',
      paths: ['cursor'],
    });
  });

  it('never yield another position when changed in any way', () => {
    const cursor = encodeCursor(secret, scope, position);
    fc.assert(
      fc.property(
        fc.nat(cursor.length - 1),
        fc.string({ minLength: 0, maxLength: 3 }),
        fc.nat(3),
        (at, insert, cut) => {
          const tampered = cursor.slice(0, at) + insert + cursor.slice(at + cut);
          fc.pre(tampered !== cursor);
          let decoded: string | undefined;
          try {
            decoded = decodeCursor(secret, scope, tampered);
          } catch (error) {
            expect(error).toBeInstanceOf(ApiError);
            return;
          }
          expect(decoded).toBe(position);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it.each(['', '.', 'abc', 'a.b.c', `${'x'.repeat(2000)}.y`])('refuse %j', (garbage) => {
    expect(refusal(() => decodeCursor(secret, scope, garbage))).toEqual({
      code: 'validation_error',
      paths: ['cursor'],
    });
  });
});
