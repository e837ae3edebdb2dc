import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  MAX_TOKEN_LENGTH,
  readUnsubscribeToken,
  signUnsubscribeToken,
  unsubscribeUrl,
} from '../../../../lambdas/unsubscribe/token.js';

const secret = randomBytes(32);
const subject = fc.record({
  projectId: fc.string({ minLength: 1, maxLength: 40 }),
  contactId: fc.string({ minLength: 1, maxLength: 40 }),
  broadcastId: fc.option(fc.string({ minLength: 1, maxLength: 40 }), { nil: null }),
});

describe('unsubscribe tokens', () => {
  it('read back exactly what was signed', () => {
    fc.assert(
      fc.property(subject, (s) => {
        expect(readUnsubscribeToken(secret, signUnsubscribeToken(secret, s))).toEqual(s);
      }),
    );
  });

  it('read as nothing under another stack’s secret', () => {
    fc.assert(
      fc.property(subject, (s) => {
        expect(readUnsubscribeToken(randomBytes(32), signUnsubscribeToken(secret, s))).toBeUndefined();
      }),
    );
  });

  it('read as nothing when any character is changed', () => {
    fc.assert(
      fc.property(subject, fc.nat(), fc.constantFrom(...'AbZz09-_.x'), (s, at, replacement) => {
        const token = signUnsubscribeToken(secret, s);
        const index = at % token.length;
        fc.pre(token[index] !== replacement);
        const tampered = `${token.slice(0, index)}${replacement}${token.slice(index + 1)}`;
        expect(readUnsubscribeToken(secret, tampered)).toBeUndefined();
      }),
    );
  });

  it('refuses another project’s payload under a valid signature of its own', () => {
    const a = signUnsubscribeToken(secret, { projectId: 'proj_a', contactId: 'ct_1', broadcastId: null });
    const b = signUnsubscribeToken(secret, { projectId: 'proj_b', contactId: 'ct_1', broadcastId: null });
    const spliced = `${b.split('.')[0]}.${a.split('.')[1]}`;
    expect(readUnsubscribeToken(secret, spliced)).toBeUndefined();
  });

  it.each(['', '.', 'abc', 'a.b', `${'a'.repeat(MAX_TOKEN_LENGTH)}.${'b'.repeat(43)}`])(
    'refuses %j',
    (token) => {
      expect(readUnsubscribeToken(secret, token)).toBeUndefined();
    },
  );

  it('builds the URL under the API base, with or without its trailing slash', () => {
    expect(unsubscribeUrl('https://api.example.com/prod/', 't.k')).toBe('https://api.example.com/prod/u/t.k');
    expect(unsubscribeUrl('http://127.0.0.1:3000', 't.k')).toBe('http://127.0.0.1:3000/u/t.k');
  });
});
