/** The attachment rules: strict base64, decoded sizes, filenames, dangerous extensions, content types. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../../lambdas/api/errors.js';
import { validate } from '../../../../lambdas/http/validation.js';
import {
  DANGEROUS_EXTENSIONS,
  MAX_ATTACHMENT_BYTES,
  decodedLength,
  hasDangerousExtension,
  isStrictBase64,
  sanitizeFilename,
} from '../../../../lambdas/sending/attachments.js';
import { sendEmailSchema } from '../../../../lambdas/sending/email-schema.js';

const email = (attachments: unknown) => ({
  from: 'a@example.com',
  to: 'b@example.com',
  subject: 's',
  text: 't',
  attachments,
});

function problems(body: unknown): { path: string; message: string }[] {
  try {
    validate(sendEmailSchema, body);
  } catch (error) {
    if (error instanceof ApiError && error.errors) return [...error.errors];
    throw error;
  }
  return [];
}

describe('isStrictBase64', () => {
  it.each([['aGVsbG8='], ['aGVsbG8h'], ['aGk='], ['AA=='], ['+/+/'], ['']])('accepts %j', (value) => {
    expect(isStrictBase64(value)).toBe(true);
  });

  it.each([
    ['missing padding', 'aGVsbG8'],
    ['URL-safe alphabet', 'a-_b'],
    ['a space', 'aGVs bG8='],
    ['a line break', 'aGVsbG8h\r\naGk='],
    ['padding in the middle', 'aG==aGk='],
    ['three padding characters', 'a==='],
    ['non-zero unused bits', 'aGVsbG9='],
    ['non-ASCII', 'aGVsbG8é'],
  ])('refuses %s', (_case, value) => {
    expect(isStrictBase64(value)).toBe(false);
  });

  it('accepts exactly what Buffer encodes, and decodedLength is the byte count', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const encoded = Buffer.from(bytes).toString('base64');
        expect(isStrictBase64(encoded)).toBe(true);
        expect(decodedLength(encoded)).toBe(bytes.length);
      }),
    );
  });
});

describe('sanitizeFilename', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\me\\report.pdf', 'report.pdf'],
    ['dir/sub\\mixed.txt', 'mixed.txt'],
    ['a\u0000b\u001f.txt', 'ab.txt'],
    ['line\r\nbreak.txt', 'linebreak.txt'],
    ['\u202egpj.exe', 'gpj.exe'],
    ['zero\u200bwidth.pdf', 'zerowidth.pdf'],
    ['  résumé.pdf  ', 'résumé.pdf'],
    ['請求書.pdf', '請求書.pdf'],
    ['cafe\u0301.txt', 'café.txt'],
  ])('%j → %j', (input, expected) => {
    expect(sanitizeFilename(input)).toBe(expected);
  });

  it('never leaves a path separator or a control character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (name) => {
        expect(sanitizeFilename(name)).not.toMatch(/[/\\\p{Cc}]/u);
      }),
    );
  });
});

describe('hasDangerousExtension', () => {
  it('holds the 90 extensions SES documents as unsupported', () => {
    expect(DANGEROUS_EXTENSIONS.size).toBe(90);
  });

  it.each([...DANGEROUS_EXTENSIONS])('refuses .%s in any case', (extension) => {
    expect(hasDangerousExtension(`file.${extension}`)).toBe(true);
    expect(hasDangerousExtension(`FILE.${extension.toUpperCase()}`)).toBe(true);
  });

  it.each([
    ['invoice.pdf.exe', true],
    ['Invoice.PDF.Exe', true],
    ['setup.exe.', true],
    ['setup.exe . .', true],
    ['.js', true],
    ['report.pdf', false],
    ['invoice.exe.pdf', false],
    ['README', false],
    ['archive.tar.gz', false],
    ['notes.json', false],
    ['photo.jpeg', false],
  ])('%s → %s', (name, dangerous) => {
    expect(hasDangerousExtension(name)).toBe(dangerous);
  });
});

describe('the attachments field', () => {
  const base64 = (bytes: number) => Buffer.alloc(bytes, 7).toString('base64');

  it('accepts 4 MB decoded in all, sanitises the name and keeps the content as sent', () => {
    const half = MAX_ATTACHMENT_BYTES / 2;
    const parsed = validate(
      sendEmailSchema,
      email([
        { filename: '../a.pdf', content: base64(half) },
        { filename: 'b.bin', content: base64(half), content_type: 'Application/Octet-Stream' },
      ]),
    );
    expect(parsed.attachments?.map(({ filename, content_type }) => [filename, content_type])).toEqual([
      ['a.pdf', undefined],
      ['b.bin', 'application/octet-stream'],
    ]);
    expect(parsed.attachments?.[0]?.content).toBe(base64(half));
  });

  it('refuses 4 MB + 1 byte, naming the field', () => {
    const half = MAX_ATTACHMENT_BYTES / 2;
    expect(
      problems(
        email([
          { filename: 'a.pdf', content: base64(half) },
          { filename: 'b.pdf', content: base64(half + 1) },
        ]),
      ),
    ).toEqual([
      {
        path: 'attachments',
        message: 'attachments must not exceed 4 MB (4,194,304 bytes) decoded, all attachments together.',
      },
    ]);
  });

  it.each([
    ['a double extension', { filename: 'invoice.pdf.exe', content: 'aGk=' }, 'attachments.0.filename'],
    ['an upper-case dangerous extension', { filename: 'RUN.BAT', content: 'aGk=' }, 'attachments.0.filename'],
    ['a name that is only a path', { filename: 'dir/', content: 'aGk=' }, 'attachments.0.filename'],
    [
      'a 256-character name',
      { filename: `${'n'.repeat(252)}.pdf`, content: 'aGk=' },
      'attachments.0.filename',
    ],
    ['unpadded base64', { filename: 'a.txt', content: 'aGk' }, 'attachments.0.content'],
    ['empty content', { filename: 'a.txt', content: '' }, 'attachments.0.content'],
    [
      'a content type with parameters',
      { filename: 'a.txt', content: 'aGk=', content_type: 'text/plain; x=y' },
      'attachments.0.content_type',
    ],
    [
      'a content type with a line break',
      { filename: 'a.txt', content: 'aGk=', content_type: 'text/plain\r\nBcc: x' },
      'attachments.0.content_type',
    ],
    ['an unknown field', { filename: 'a.txt', content: 'aGk=', path: '/etc/passwd' }, 'attachments.0.path'],
  ])('refuses %s at %s', (_case, attachment, path) => {
    expect(problems(email([attachment])).map((problem) => problem.path)).toEqual([path]);
  });

  it('refuses more than 20 attachments', () => {
    const many = Array.from({ length: 21 }, (_, index) => ({ filename: `${index}.txt`, content: 'aGk=' }));
    expect(problems(email(many))).toEqual([
      { path: 'attachments', message: 'attachments must have at most 20 items.' },
    ]);
  });
});
