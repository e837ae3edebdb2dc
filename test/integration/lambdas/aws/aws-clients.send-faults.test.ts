/**
 * The SES, SMS and WhatsApp SDK clients, built as deployed (lambdas/aws/aws-clients.ts), against a fake service at the HTTP level (test/support/fault-server.ts):
 * a 5xx, a throttle, silence, silence after the headers and a dropped connection each reach the
 * senders and the domains service as the API error they map to, after exactly one request (a send is
 * never repeated), and every call ends within its bounds.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import {
  createSesClient,
  createSmsClient,
  createSocialMessagingClient,
} from '../../../../lambdas/aws/aws-clients.js';
import { type CallBounds, MESSAGING_BOUNDS, SES_BOUNDS } from '../../../../lambdas/aws/call-bounds.js';
import { readIdentity } from '../../../../lambdas/domains/ses-identities.js';
import { type OutgoingEmail, sesSender } from '../../../../lambdas/sending/ses-sender.js';
import { smsSender } from '../../../../lambdas/messaging/sms-sender.js';
import { whatsappSender } from '../../../../lambdas/messaging/whatsapp-sender.js';
import { type FaultServer, type FaultStep, startFaultServer } from '../../../support/fault-server.js';

/** SES_BOUNDS shrunk so that silence costs a test a fraction of a second; one attempt, as deployed. */
const BOUNDS: CallBounds = {
  connectionTimeoutMs: 200,
  requestTimeoutMs: 300,
  maxAttempts: 1,
  deadlineMs: 700,
};
/** Timer and scheduling slack on a loaded two-core machine. */
const SLACK_MS = 400;

let rest: FaultServer;
let json10: FaultServer;
const destroyers: (() => void)[] = [];
beforeAll(async () => {
  rest = await startFaultServer('application/json');
  json10 = await startFaultServer('application/x-amz-json-1.0');
});
afterEach(() => {
  for (const destroy of destroyers.splice(0)) destroy();
  rest.reset();
  json10.reset();
});
afterAll(async () => {
  await Promise.all([rest.stop(), json10.stop()]);
});

const target = (server: FaultServer) => ({
  endpoint: server.endpoint.href,
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIDFAULTS', secretAccessKey: 'secret' },
});
function ses(bounds: CallBounds = BOUNDS): SESv2Client {
  const client = createSesClient(target(rest), bounds);
  destroyers.push(() => client.destroy());
  return client;
}

const EMAIL: OutgoingEmail = {
  from: 'a@example.com',
  to: ['b@example.com'],
  cc: [],
  bcc: [],
  replyTo: [],
  subject: 'Hi',
  text: 'x',
  headers: {},
  tags: [],
};
const error = (status: number, type: string, message = `${type}!`): FaultStep => ({
  status,
  headers: { 'x-amzn-ErrorType': type },
  body: JSON.stringify({ message }),
});

/** The outcome (the API error's code, or 'ok'), how long it took, and how many requests were made. */
async function run(server: FaultServer, send: () => Promise<unknown>) {
  const startedAt = performance.now();
  const outcome = await send().then(
    () => 'ok',
    (failure: unknown) => (failure as { code?: string; name?: string }).code ?? (failure as Error).name,
  );
  return { outcome, elapsedMs: performance.now() - startedAt, requests: server.received.length };
}

describe('SES SendEmail, through the sender', () => {
  it.each<[string, FaultStep, string]>([
    ['a 500', { status: 500, body: '{"message":"internal"}' }, 'upstream_unavailable'],
    ['InternalFailure', error(500, 'InternalFailure'), 'upstream_unavailable'],
    ['a throttle (TooManyRequestsException)', error(429, 'TooManyRequestsException'), 'rate_limited'],
    ['a throttle (ThrottlingException)', error(400, 'ThrottlingException'), 'rate_limited'],
    ['MessageRejected', error(400, 'MessageRejected'), 'email_rejected'],
    ['a dropped connection', 'close', 'upstream_unavailable'],
  ])('%s with the deployed bounds → its API error after exactly one request', async (_name, step, code) => {
    rest.script = [step, { status: 200, body: '{"MessageId":"must-not-be-reached"}' }];
    const result = await run(rest, () => sesSender(ses(SES_BOUNDS))(EMAIL));
    expect(result).toMatchObject({ outcome: code, requests: 1 });
    expect(rest.received[0]).toMatchObject({ method: 'POST', path: '/v2/email/outbound-emails' });
  });

  it.each<[string, FaultStep]>([
    ['silence', 'silence'],
    ['silence after the headers (the attempt timer covers the body)', 'silence-after-headers'],
  ])('%s → 503 upstream_unavailable within the attempt timeout, one request', async (_name, step) => {
    rest.script = [step];
    const result = await run(rest, () => sesSender(ses())(EMAIL));
    expect(result).toMatchObject({ outcome: 'upstream_unavailable', requests: 1 });
    expect(result.elapsedMs).toBeGreaterThanOrEqual(BOUNDS.requestTimeoutMs - 20);
    expect(result.elapsedMs).toBeLessThan(BOUNDS.requestTimeoutMs + SLACK_MS);
  });

  it('silence reaches the caller as the SDK would name it: a TimeoutError', async () => {
    rest.script = ['silence'];
    await expect(ses().send(new SendEmailCommand(EMAIL_REQUEST))).rejects.toMatchObject({
      name: 'TimeoutError',
    });
  });

  it('the deployed bounds allow one attempt for SES and for messaging: a send is never repeated', () => {
    expect(SES_BOUNDS.maxAttempts).toBe(1);
    expect(MESSAGING_BOUNDS.maxAttempts).toBe(1);
  });
});

const EMAIL_REQUEST = {
  FromEmailAddress: 'a@example.com',
  Destination: { ToAddresses: ['b@example.com'], CcAddresses: [], BccAddresses: [] },
  Content: { Raw: { Data: new Uint8Array([1]) } },
};

describe('SES identity calls, through the domains service', () => {
  it('GetEmailIdentity 404 NotFoundException is an identity that no longer exists', async () => {
    rest.script = [error(404, 'NotFoundException')];
    expect(await readIdentity({ ses: ses() }, 'gone.example.com')).toBeUndefined();
    expect(rest.received[0]).toMatchObject({ method: 'GET', path: '/v2/email/identities/gone.example.com' });
  });

  it.each<[string, FaultStep, string]>([
    ['a 500', { status: 500, body: 'oops' }, 'upstream_unavailable'],
    ['a throttle', error(429, 'TooManyRequestsException'), 'rate_limited'],
    ['silence', 'silence', 'upstream_unavailable'],
  ])('GetEmailIdentity: %s → its API error, one request', async (_name, step, code) => {
    rest.script = [step];
    const result = await run(rest, () => readIdentity({ ses: ses() }, 'example.com'));
    expect(result).toMatchObject({ outcome: code, requests: 1 });
    expect(result.elapsedMs).toBeLessThan(BOUNDS.deadlineMs + SLACK_MS);
  });
});

describe('End User Messaging SMS and Social, through the senders', () => {
  const SMS = {
    to: '+14155550123',
    body: 'x',
    originationIdentity: 'S',
    messageType: 'transactional',
  } as const;
  const sms = () => {
    const client = createSmsClient(target(json10), BOUNDS);
    destroyers.push(() => client.destroy());
    return smsSender(client);
  };
  const whatsapp = () => {
    const client = createSocialMessagingClient(target(rest), BOUNDS);
    destroyers.push(() => client.destroy());
    return whatsappSender(client);
  };
  const WHATSAPP = { phoneNumberId: 'pn', message: { messaging_product: 'whatsapp', to: '+14155550123' } };

  it.each<[string, FaultStep, string]>([
    ['a 500', { status: 500, body: '{"Message":"internal"}' }, 'upstream_unavailable'],
    [
      'ThrottlingException in the body',
      {
        status: 400,
        body: '{"__type":"com.amazonaws.pinpointsmsvoicev2#ThrottlingException","Message":"slow"}',
      },
      'rate_limited',
    ],
    ['ValidationException', error(400, 'ValidationException'), 'message_rejected'],
    ['silence', 'silence', 'upstream_unavailable'],
  ])('SMS: %s → its API error, one request', async (_name, step, code) => {
    json10.script = [step, { status: 200, body: '{"MessageId":"must-not-be-reached"}' }];
    const result = await run(json10, () => sms()(SMS));
    expect(result).toMatchObject({ outcome: code, requests: 1 });
    expect(result.elapsedMs).toBeLessThan(BOUNDS.deadlineMs + SLACK_MS);
    expect(json10.received[0]?.headers['x-amz-target']).toBe('PinpointSMSVoiceV2.SendTextMessage');
  });

  it.each<[string, FaultStep, string]>([
    ['a 503', { status: 503, body: '' }, 'upstream_unavailable'],
    ['ThrottledRequestException', error(429, 'ThrottledRequestException'), 'rate_limited'],
    ['InvalidParametersException', error(400, 'InvalidParametersException'), 'message_rejected'],
    ['silence after the headers', 'silence-after-headers', 'upstream_unavailable'],
  ])('WhatsApp: %s → its API error, one request', async (_name, step, code) => {
    rest.script = [step, { status: 200, body: '{"messageId":"must-not-be-reached"}' }];
    const result = await run(rest, () => whatsapp()(WHATSAPP));
    expect(result).toMatchObject({ outcome: code, requests: 1 });
    expect(result.elapsedMs).toBeLessThan(BOUNDS.deadlineMs + SLACK_MS);
    expect(rest.received[0]).toMatchObject({ method: 'POST', path: '/v1/whatsapp/send' });
  });

  it('an answer without a message id is upstream_unavailable, never a success', async () => {
    json10.script = [{ status: 200, body: '{}' }];
    expect((await run(json10, () => sms()(SMS))).outcome).toBe('upstream_unavailable');
  });
});
