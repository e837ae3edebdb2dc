/**
 * How carriers split an SMS body into segments (docs/decisions/0017-sms-and-whatsapp.md): a body
 * written only in the GSM 03.38 alphabet is sent as GSM-7 (160 septets in one segment, 153 in each
 * segment of a longer one; the extension characters take two septets); any other character makes
 * the whole body UCS-2 (70 UTF-16 code units in one segment, 67 in each of a longer one). Pure.
 */

/** The GSM 03.38 basic character set (one septet each), the escape character left out. */
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
/** The extension table: an escape and the character, two septets each. */
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSegments {
  readonly encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  readonly units: number;
  readonly segments: number;
}

export function smsSegments(body: string): SmsSegments {
  let septets = 0;
  for (const character of body) {
    if (GSM_BASIC.has(character)) septets += 1;
    else if (GSM_EXTENSION.has(character)) septets += 2;
    else return sized('UCS-2', body.length, 70, 67);
  }
  return sized('GSM-7', septets, 160, 153);
}

function sized(encoding: SmsEncoding, units: number, single: number, perPart: number): SmsSegments {
  const segments = units === 0 ? 0 : units <= single ? 1 : Math.ceil(units / perPart);
  return { encoding, units, segments };
}
