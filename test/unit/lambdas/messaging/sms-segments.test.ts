import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { smsSegments } from '../../../../lambdas/messaging/sms-segments.js';

describe('smsSegments', () => {
  it.each([
    ['', 'GSM-7', 0, 0],
    ['Hello', 'GSM-7', 5, 1],
    ['x'.repeat(160), 'GSM-7', 160, 1],
    ['x'.repeat(161), 'GSM-7', 161, 2],
    ['x'.repeat(306), 'GSM-7', 306, 2],
    ['x'.repeat(307), 'GSM-7', 307, 3],
    ['x'.repeat(1600), 'GSM-7', 1600, 11],
    ['€'.repeat(80), 'GSM-7', 160, 1],
    ['€'.repeat(81), 'GSM-7', 162, 2],
    ['{}[]~\\|^\f€', 'GSM-7', 20, 1],
    ['Ça coûte 5 £, ¿sí? Ñandú à Δ', 'UCS-2', 28, 1],
    ['é'.repeat(160), 'GSM-7', 160, 1],
    ['ê', 'UCS-2', 1, 1],
    ['ê'.repeat(70), 'UCS-2', 70, 1],
    ['ê'.repeat(71), 'UCS-2', 71, 2],
    ['ê'.repeat(134), 'UCS-2', 134, 2],
    ['ê'.repeat(135), 'UCS-2', 135, 3],
    ['😀', 'UCS-2', 2, 1],
    [`${'x'.repeat(159)}😀`, 'UCS-2', 161, 3],
  ])('%j is %s, %d units, %d segments', (body, encoding, units, segments) => {
    expect(smsSegments(body)).toEqual({ encoding, units, segments });
  });

  const basic = fc.constantFrom(
    ...'@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&()*+,-./09:;<=>?¡AZÄÖÑÜ§¿azäöñüà\n\r',
  );
  const outside = fc.constantFrom('ê', 'ç', 'ő', 'ж', '中', '😀', '`');

  it('a body in the GSM alphabet is GSM-7, one septet per basic character', () => {
    fc.assert(
      fc.property(fc.array(basic, { maxLength: 400 }), (characters) => {
        const result = smsSegments(characters.join(''));
        expect(result.encoding).toBe('GSM-7');
        expect(result.units).toBe(characters.length);
      }),
    );
  });

  it('one character outside it makes the whole body UCS-2, counted in UTF-16 code units', () => {
    fc.assert(
      fc.property(fc.array(basic, { maxLength: 200 }), outside, fc.nat(200), (characters, odd, at) => {
        characters.splice(at % (characters.length + 1), 0, odd);
        const body = characters.join('');
        expect(smsSegments(body)).toMatchObject({ encoding: 'UCS-2', units: body.length });
      }),
    );
  });
});
