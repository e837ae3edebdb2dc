/** The SES call: raw content, recipients (Bcc included) only in Destination, tags and configuration set kept. */
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { sesSender } from '../../lambdas/sending/ses-sender.js';

const sesMock = mockClient(SESv2Client);
afterEach(() => sesMock.reset());

describe('sesSender', () => {
  it('sends raw MIME with bare addresses in Destination and no Bcc header', async () => {
    sesMock.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    const send = sesSender(new SESv2Client({ region: 'eu-west-1' }), 'the-set');
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
    const [call] = sesMock.commandCalls(SendEmailCommand);
    const input = call?.args[0].input;
    expect(input?.Destination).toEqual({
      ToAddresses: ['jane@example.com'],
      CcAddresses: ['cc@example.com'],
      BccAddresses: ['hidden@example.com'],
    });
    expect(input?.FromEmailAddress).toBe('=?UTF-8?Q?Zo=C3=AB?= <zoe@example.com>');
    expect(input?.ConfigurationSetName).toBe('the-set');
    expect(input?.EmailTags).toEqual([{ Name: 'kind', Value: 'welcome' }]);
    expect(input?.Content?.Simple).toBeUndefined();
    const raw = Buffer.from(input?.Content?.Raw?.Data ?? new Uint8Array()).toString('latin1');
    const head = raw.split('\r\n\r\n')[0] ?? '';
    expect(head).toMatch(/^Reply-To: reply@example\.com$/m);
    expect(head).toMatch(/^X-Campaign: spring$/m);
    expect(head).not.toMatch(/^Bcc:/im);
    expect(raw).not.toContain('hidden@example.com');
    expect(raw).toContain(Buffer.from('file').toString('base64'));
  });
});
