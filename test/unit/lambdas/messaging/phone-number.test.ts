import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseE164 } from '../../../../lambdas/messaging/phone-number.js';

describe('parseE164', () => {
  it.each([
    ['+14155550123', 'US, San Francisco'],
    ['+12065550100', 'US, Seattle'],
    ['+447911123456', 'UK mobile'],
    ['+33612345678', 'France mobile'],
    ['+4915112345678', 'Germany mobile'],
    ['+5511987654321', 'Brazil mobile, 13 digits'],
    ['+8613812345678', 'China mobile'],
    ['+14155550000', 'a valid number ending in 0000 (the local stand-in fails it on delivery)'],
  ])('accepts %s (%s) as itself', (value) => {
    expect(parseE164(value)).toBe(value);
  });

  it.each([
    ['14155550123', 'no +'],
    ['+1 415 555 0123', 'spaces'],
    ['+1-415-555-0123', 'dashes'],
    ['+1 (415) 5550123', 'parentheses'],
    ['+01415555012', 'country code starting with 0'],
    ['+1415555012', 'one digit short for the US'],
    ['+141555501234', 'one digit long for the US'],
    ['+491234', 'possible length for Germany but no such number (min metadata would accept it)'],
    ['+999123456', 'no such country code'],
    ['+4407911123456', 'national trunk prefix kept'],
    ['+1234567890123456', '16 digits'],
    ['', 'empty'],
    ['+', 'only +'],
    ['+1415555O123', 'a letter O'],
    ['+14155550123\n', 'a trailing line break'],
    ['＋14155550123', 'a full-width plus'],
    ['+١٤١٥٥٥٥٠١٢٣', 'Arabic-Indic digits'],
  ])('refuses %j (%s)', (value) => {
    expect(parseE164(value)).toBeUndefined();
  });

  it('never accepts anything that is not + and 2 to 15 ASCII digits, and answers only its input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (value) => {
        const parsed = parseE164(value);
        if (parsed !== undefined) {
          expect(parsed).toBe(value);
          expect(value).toMatch(/^\+[1-9]\d{1,14}$/);
        }
      }),
    );
  });
});
