/** The raw MIME message: display names RFC 2047-encoded and read back, attachments, line lengths, no Bcc. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMailbox } from '../../../../lambdas/shared/mailbox.js';
import { buildMimeMessage, type MimeInput } from '../../../../lambdas/sending/mime.js';

const base: MimeInput = {
  from: 'a@example.com',
  to: ['b@example.com'],
  cc: [],
  replyTo: [],
  subject: 'Hello',
  text: 'Hi',
  headers: {},
  attachments: [],
};

/** The message's headers, unfolded, by lower-cased name (the last one wins; tests look at single ones). */
function headersOf(raw: Buffer): Map<string, string> {
  const head = raw.toString('latin1').split('\r\n\r\n')[0] ?? '';
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

/** An independent RFC 2047 decoder: adjacent encoded words join without the space between them. */
function decodeWords(value: string): string {
  const word = /=\?UTF-8\?([QB])\?([^?]*)\?=/gi;
  const joined = value.replace(/(\?=)\s+(?==\?)/g, '$1');
  const bytes: number[] = [];
  let last = 0;
  for (const match of joined.matchAll(word)) {
    bytes.push(...Buffer.from(joined.slice(last, match.index), 'latin1'));
    const [, encoding, text = ''] = match;
    const decoded =
      encoding?.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
            'latin1',
          );
    bytes.push(...decoded);
    last = (match.index ?? 0) + match[0].length;
  }
  bytes.push(...Buffer.from(joined.slice(last), 'latin1'));
  return Buffer.from(bytes).toString('utf8');
}

/** "Name" <a@b> or =?…?= <a@b> → the display name as a reader shows it. */
function displayNameOf(header: string): string {
  const name = header.slice(0, header.lastIndexOf('<')).trim();
  const unquoted =
    name.startsWith('"') && name.endsWith('"') ? name.slice(1, -1).replace(/\\(.)/g, '$1') : name;
  return decodeWords(unquoted);
}

describe('buildMimeMessage', () => {
  it('RFC 2047-encodes a non-ASCII display name, which reads back unchanged', async () => {
    const message = await buildMimeMessage({ ...base, from: 'Zoë Ünicode <zoe@example.com>' });
    const from = headersOf(message.raw).get('from') ?? '';
    expect(from).toMatch(/^=\?UTF-8\?[QB]\?/);
    expect(from).toMatch(/^[\x20-\x7e]+$/);
    expect(displayNameOf(from)).toBe('Zoë Ünicode');
    expect(message.fromHeader).toBe(from);
  });

  it('round-trips every display name the parser accepts, in From, To and Cc', async () => {
    const nameCharacter = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 1 })
      .filter((c) => !/[()<>[\]:;@\\,"\p{Cc}\p{Cs}\p{Cf}\p{Z}]/u.test(c));
    const name = fc
      .array(fc.oneof(nameCharacter, fc.constant(' ')), { minLength: 1, maxLength: 60 })
      .map((characters) => characters.join('').trim().replace(/ +/g, ' '))
      .filter((value) => value !== '');
    await fc.assert(
      fc.asyncProperty(name, fc.boolean(), async (displayName, quoted) => {
        const mailbox = quoted ? `"${displayName}" <n@example.com>` : `${displayName} <n@example.com>`;
        expect(parseMailbox(mailbox)?.name).toBe(displayName);
        const message = await buildMimeMessage({ ...base, from: mailbox, to: [mailbox], cc: [mailbox] });
        const headers = headersOf(message.raw);
        for (const field of ['from', 'to', 'cc']) {
          expect(headers.get(field)).toMatch(/^[\x20-\x7e]*<n@example\.com>$/);
          expect(displayNameOf(headers.get(field) ?? '')).toBe(displayName);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('keeps a quoted ASCII name with a comma as one mailbox', async () => {
    const message = await buildMimeMessage({
      ...base,
      to: ['"Doe, Jane" <jane@example.com>', 'x@example.com'],
    });
    expect(headersOf(message.raw).get('to')).toBe('"Doe, Jane" <jane@example.com>, x@example.com');
  });

  it('attaches each file base64-encoded with its name and content type, defaulting from the extension', async () => {
    const pdf = Buffer.from('%PDF-1.4 fake');
    const bytes = Buffer.from([0, 1, 2, 255]);
    const message = await buildMimeMessage({
      ...base,
      attachments: [
        { filename: 'résumé.pdf', content: pdf.toString('base64') },
        { filename: 'data', content: bytes.toString('base64') },
        { filename: 'x.bin', content: bytes.toString('base64'), content_type: 'application/x-custom' },
      ],
    });
    const raw = message.raw.toString('latin1').replace(/\r\n[ \t]/g, ' ');
    expect(raw).toContain('Content-Type: multipart/mixed');
    expect(raw).toMatch(/Content-Type: application\/pdf; name="=\?UTF-8\?Q\?r=C3=A9sum=C3=A9=2Epdf\?="/);
    expect(raw).toContain("filename*0*=utf-8''r%C3%A9sum%C3%A9.pdf");
    expect(raw).toContain('Content-Type: application/octet-stream; name=data');
    expect(raw).toContain('Content-Type: application/x-custom');
    expect(raw).toContain(pdf.toString('base64'));
  });

  it('keeps every line under 1000 octets and ends lines with CRLF', async () => {
    const message = await buildMimeMessage({
      ...base,
      subject: `Grüße ${'y'.repeat(900)}`,
      text: 'x'.repeat(5000),
      html: `<p>${'é'.repeat(3000)}</p>`,
      headers: { [`X-${'n'.repeat(98)}`]: 'v'.repeat(990), 'X-Words': 'word '.repeat(390) },
      attachments: [{ filename: 'a.bin', content: Buffer.alloc(3000, 1).toString('base64') }],
    });
    const text = message.raw.toString('latin1');
    expect(text).not.toMatch(/[^\r]\n/);
    expect(Math.max(...text.split('\r\n').map((line) => line.length))).toBeLessThan(1000);
  });

  it('has no Bcc header: the input has no Bcc at all (it travels in SES’s Destination)', async () => {
    const message = await buildMimeMessage(base);
    expect(headersOf(message.raw).has('bcc')).toBe(false);
  });
});
