/** The SES call: raw content, recipients (Bcc included) only in Destination, tags and configuration set kept. */
import { describe, expect, it } from 'vitest';
import { SendEmailCommand, type SendEmailCommandInput, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { sesSender } from '../../../../lambdas/sending/ses-sender.js';

/** An SES client that records each SendEmail and answers `messageId`; any other call fails. */
function recordingSes(messageId: string): { client: SESv2Client; sent: SendEmailCommandInput[] } {
  const client = new SESv2Client({ region: 'us-east-1' });
  const mock = mockClient(client);
  const sent: SendEmailCommandInput[] = [];
  mock.on(SendEmailCommand).callsFake((input: SendEmailCommandInput) => {
    sent.push(input);
    return { MessageId: messageId };
  });
  return { client, sent };
}

describe('sesSender', () => {
  it('sends raw MIME with bare addresses in Destination and no Bcc header', async () => {
    const ses = recordingSes('ses-1');
    const send = sesSender(ses.client, { none: 'the-set', open: 'open-set' });
    const id = await send({
      from: 'Zoë <zoe@example.com>',
      to: ['"Doe, Jane" <jane@example.com>'],
      cc: ['Cc Person <cc@example.com>'],
      bcc: ['Hidden <hidden@example.com>'],
      replyTo: ['reply@example.com'],
      subject: 'Hi',
      text: 'Hello',
      headers: { 'X-Campaign': 'spring' },
      tags: [{ name: 'kind', value: 'welcome' }],
      attachments: [{ filename: 'a.txt', content: Buffer.from('file').toString('base64') }],
    });
    expect(id).toBe('ses-1');
    expect(ses.sent).toHaveLength(1);
    const [input] = ses.sent;
    expect(input?.Destination).toEqual({
      ToAddresses: ['jane@example.com'],
      CcAddresses: ['cc@example.com'],
      BccAddresses: ['hidden@example.com'],
    });
    expect(input?.FromEmailAddress).toBe('=?UTF-8?Q?Zo=C3=AB?= <zoe@example.com>');
    expect(input?.ConfigurationSetName).toBe('the-set');
    expect(input?.EmailTags).toEqual([{ Name: 'kind', Value: 'welcome' }]);
    const raw = Buffer.from(input?.Content?.Raw?.Data ?? new Uint8Array()).toString('latin1');
    const head = raw.split('\r\n\r\n')[0] ?? '';
    expect(head).toMatch(/^Reply-To: reply@example\.com$/m);
    expect(head).toMatch(/^X-Campaign: spring$/m);
    expect(head).not.toMatch(/^Bcc:/im);
    expect(raw).not.toContain('hidden@example.com');
    expect(raw).toContain(Buffer.from('file').toString('base64'));
  });

  const SETS = { none: 'set-none', open: 'set-open', click: 'set-click', open_click: 'set-both' };
  const minimal = {
    from: 'a@example.com',
    to: ['b@example.org'],
    cc: [],
    bcc: [],
    replyTo: [],
    subject: 's',
    text: 't',
    headers: {},
    tags: [],
  };

  it.each([
    [undefined, 'set-none'],
    [{ open: false, click: false }, 'set-none'],
    [{ open: true, click: false }, 'set-open'],
    [{ open: false, click: true }, 'set-click'],
    [{ open: true, click: true }, 'set-both'],
  ])('an email with tracking %j is sent with %s', async (tracking, set) => {
    const ses = recordingSes('ses-2');
    await sesSender(ses.client, SETS)({ ...minimal, tracking });
    expect(ses.sent[0]?.ConfigurationSetName).toBe(set);
  });

  it('names no configuration set when none is configured (the local stack)', async () => {
    const ses = recordingSes('ses-3');
    await sesSender(ses.client)({ ...minimal, tracking: { open: true, click: true } });
    expect(ses.sent[0]).not.toHaveProperty('ConfigurationSetName');
  });
});
