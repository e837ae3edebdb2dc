/**
 * Destination phone numbers: E.164 exactly as written (`+`, country code, subscriber number, at
 * most 15 digits, no spaces or punctuation), and a number libphonenumber-js's full ("max") metadata
 * holds valid for its country: its length and its leading digits are checked against the country's
 * numbering plan. The "min" metadata checks only possible lengths, so it would accept numbers no
 * carrier can route (`+491234`), and every such send costs a provider call and a failure event. Pure:
 * no AWS imports.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

const E164_SHAPE = /^\+[1-9]\d{1,14}$/;

export const PHONE_NUMBER_RULE = 'must be a valid phone number in E.164 form, like +14155550123';

/** The number in E.164 when it is one and valid for its country; otherwise undefined. */
export function parseE164(value: string): string | undefined {
  if (!E164_SHAPE.test(value)) return undefined;
  const parsed = parsePhoneNumberFromString(value);
  if (!parsed?.isValid()) return undefined;
  // Written E.164 parses to itself; anything else (a national prefix kept by mistake) is refused.
  return parsed.number === value ? parsed.number : undefined;
}
