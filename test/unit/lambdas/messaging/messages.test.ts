import type { Documents } from '../../../../lambdas/aws/aws-clients.js';
import { describe, expect, it, vi } from 'vitest';
import { createServiceHandler } from '../../../../lambdas/http/frame.js';
import { sendWhatsappSchema } from '../../../../lambdas/messaging/message-schemas.js';
import { originationFor, settingList } from '../../../../lambdas/messaging/messaging-channels.js';
import { sendingRoutes } from '../../../../lambdas/sending/route-handlers.js';
import { whatsappMessageJson } from '../../../../lambdas/messaging/whatsapp-sender.js';
import { UNLIMITED_FRAME } from '../../../support/frame.js';
import { authContextFor, proxyEvent } from '../../../support/events.js';

/** A table that must not be touched: a send of an unconfigured channel fails before any write. */
const untouchable = {
  send: vi.fn(() => Promise.reject(new Error('the table was used'))),
} as unknown as Documents;

function sendingHandler() {
  return createServiceHandler(
    'sending',
    sendingRoutes({
      documents: untouchable,
      dataTable: 'Data',
      now: () => new Date(),
      send: () => Promise.reject(new Error('no email is sent here')),
    }),
    { error: vi.fn() },
    UNLIMITED_FRAME,
  );
}

describe('a channel the stack has no setting for', () => {
  it.each([
    [
      '/v1/sms',
      { to: '+14155550123', body: 'x' },
      'SMS',
      'smsOriginationIdentity',
      'SMS_ORIGINATION_IDENTITY',
    ],
    [
      '/v1/whatsapp',
      { to: '+14155550123', text: { body: 'x' } },
      'WhatsApp',
      'whatsappPhoneNumberId',
      'WHATSAPP_PHONE_NUMBER_ID',
    ],
  ])(
    '%s answers 503 channel_not_configured naming the setting, before any write',
    async (path, body, name, context, env) => {
      const result = await sendingHandler()(
        proxyEvent({
          method: 'POST',
          resource: path,
          body,
          authorizer: authContextFor({ projectId: 'proj_a' }),
        }),
      );
      expect(result.statusCode).toBe(503);
      const answer = JSON.parse(result.body) as Record<string, unknown>;
      expect(answer.error_code).toBe('channel_not_configured');
      expect(answer.message).toContain(name);
      expect(answer.message).toContain(context);
      expect(answer.message).toContain(env);
      expect(untouchable.send).not.toHaveBeenCalled();
    },
  );

  it('still validates first: a bad body is a 400, not a 503', async () => {
    const result = await sendingHandler()(
      proxyEvent({
        method: 'POST',
        resource: '/v1/sms',
        body: { to: 'nope', body: 'x' },
        authorizer: authContextFor({ projectId: 'proj_a' }),
      }),
    );
    expect(result.statusCode).toBe(400);
  });
});

describe('settingList', () => {
  it.each([
    [undefined, []],
    ['', []],
    [' , ', []],
    ['+12065550100', ['+12065550100']],
    ['SENDER, +12065550100 ,pool-1', ['SENDER', '+12065550100', 'pool-1']],
  ])('%j → %j', (value, expected) => {
    expect(settingList(value)).toEqual(expected);
  });
});

describe('originationFor', () => {
  const channel = { originationIdentities: ['SENDER', '+12065550100'], send: vi.fn() };

  it('uses the first configured identity when from is absent, and a named configured one', () => {
    expect(originationFor(channel, undefined)).toBe('SENDER');
    expect(originationFor(channel, '+12065550100')).toBe('+12065550100');
  });

  it.each(['OTHER', 'sender', '+12065550101', ''])(
    'refuses %j, which the deployment does not have',
    (from) => {
      expect(() => originationFor(channel, from)).toThrow(
        expect.objectContaining({
          code: 'validation_error',
          errors: [expect.objectContaining({ path: 'from' })],
        }),
      );
    },
  );
});

describe('whatsappMessageJson', () => {
  const parse = (body: unknown) => sendWhatsappSchema.parse(body);

  it('builds a Meta text message', () => {
    expect(
      whatsappMessageJson(parse({ to: '+14155550123', text: { body: 'Hi', preview_url: true } })),
    ).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+14155550123',
      type: 'text',
      text: { body: 'Hi', preview_url: true },
    });
  });

  it('builds a Meta template message with the language as an object and the components as given', () => {
    const components = [
      { type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/a.png' } }] },
      { type: 'body', parameters: [{ type: 'text', text: 'Ada' }] },
    ];
    expect(
      whatsappMessageJson(
        parse({ to: '+14155550123', template: { name: 'hello_world', language: 'en_US', components } }),
      ),
    ).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+14155550123',
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' }, components },
    });
  });

  it('refuses components over 16 KB as JSON and of an unknown type', () => {
    const big = [{ type: 'body', parameters: [{ type: 'text', text: 'x'.repeat(17 * 1024) }] }];
    for (const components of [big, [{ type: 'footer' }]]) {
      const result = sendWhatsappSchema.safeParse({
        to: '+14155550123',
        template: { name: 'a', language: 'en', components },
      });
      expect(result.success).toBe(false);
    }
  });
});
