/** Reading mailboxes: Unicode display names accepted, anything that could split a field refused, linear time. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../../lambdas/api/errors.js';
import { validate } from '../../../../lambdas/http/validation.js';
import { sendEmailSchema } from '../../../../lambdas/sending/email-schema.js';
import { parseMailbox } from '../../../../lambdas/shared/mailbox.js';

describe('parseMailbox', () => {
  it.each([
    ['someone@example.com', '', 'someone@example.com'],
    ['Some One <someone@example.com>', 'Some One', 'someone@example.com'],
    ['"One, Some" <someone@example.com>', 'One, Some', 'someone@example.com'],
    ['Zoë Ünicode <zoe@example.com>', 'Zoë Ünicode', 'zoe@example.com'],
    ['山田 太郎 <taro@example.jp>', '山田 太郎', 'taro@example.jp'],
    ['"Ünï, Cödé: ok" <x@example.com>', 'Ünï, Cödé: ok', 'x@example.com'],
    ['Støre 📦 Team <team@example.com>', 'Støre 📦 Team', 'team@example.com'],
    ['  padded@example.com  ', '', 'padded@example.com'],
  ])('reads %j', (value, name, address) => {
    expect(parseMailbox(value)).toEqual({ name, address });
  });

  it.each([
    ['an unquoted comma', 'Doe, Jane <jane@example.com>'],
    ['an unquoted @', 'a@b <x@example.com>'],
    ['an unquoted colon', 'group: <x@example.com>'],
    ['an unquoted semicolon', 'a;b <x@example.com>'],
    ['a stray quote', 'Jo"e <x@example.com>'],
    ['a quote inside quotes', '"a"b" <x@example.com>'],
    ['a backslash inside quotes', '"a\\b" <x@example.com>'],
    ['a non-ASCII address', 'Zoë <zoë@example.com>'],
    ['a line break', 'Name\r\nBcc: victim@example.com <a@example.com>'],
    ['a C1 control character', 'Name\u0085 <a@example.com>'],
    ['a bidirectional override', '\u202eevil <a@example.com>'],
    ['a line separator', 'Name\u2028 <a@example.com>'],
    ['two addresses', 'a@example.com, b@example.com'],
    ['no address', 'Name <>'],
    ['321 characters', `${'n'.repeat(300)} <a@example.com>`.padEnd(321, ' ') + 'x'],
  ])('refuses %s', (_case, value) => {
    expect(parseMailbox(value)).toBeUndefined();
  });

  it('reads any name without specials or control characters, trimmed', () => {
    const nameCharacter = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 1 })
      .filter((c) => !/[()<>[\]:;@\\,"\p{Cc}\p{Cs}\p{Cf}\u2028\u2029]/u.test(c));
    fc.assert(
      fc.property(fc.array(nameCharacter, { minLength: 1, maxLength: 40 }), (characters) => {
        const name = characters.join('');
        expect(parseMailbox(`${name} <a@example.com>`)).toEqual({
          name: name.trim(),
          address: 'a@example.com',
        });
      }),
    );
  });

  it('never reads a mailbox whose address part holds two addresses', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (name) => {
        const parsed = parseMailbox(`${name} <a@example.com>, b@example.com`);
        expect(parsed?.address ?? 'none').not.toContain(',');
      }),
    );
  });
});

describe('a 1 MB from', () => {
  it('is refused (the check is linear: length first, then single character classes)', () => {
    const huge = `${'a'.repeat(1024 * 1024)} <x@example.com>`;
    const quotedHuge = `"${' '.repeat(1024 * 1024)}`;
    for (const from of [huge, quotedHuge, `${'<'.repeat(1024 * 1024)}>`]) {
      expect(parseMailbox(from)).toBeUndefined();
      const body = { from, to: 'b@example.com', subject: 's', text: 't' };
      expect(() => validate(sendEmailSchema, body)).toThrow(ApiError);
    }
  });
});
