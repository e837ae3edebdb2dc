/**
 * The narrow SES, SMS and WhatsApp clients against the SDK's own clients: for every call the services
 * make, the request our client puts on the wire (method, path, the protocol's headers, the JSON body,
 * the SigV4 scope) is the one the SDK's serializer produces for the same input, the regional host is
 * the one the SDK's endpoint rules pick, and our client reads the SDK's answer and error bytes as the
 * SDK does (the same `name`, message and values). The SDK runs with a request handler that records
 * what it would send and plays back a canned answer; ours talks HTTP to a recorder on 127.0.0.1.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import {
  PinpointSMSVoiceV2Client,
  SendTextMessageCommand,
  type SendTextMessageCommandInput,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import {
  CreateEmailIdentityCommand,
  DeleteEmailIdentityCommand,
  GetEmailIdentityCommand,
  PutEmailIdentityMailFromAttributesCommand,
  SESv2Client,
  SendEmailCommand,
} from '@aws-sdk/client-sesv2';
import { SendWhatsAppMessageCommand, SocialMessagingClient } from '@aws-sdk/client-socialmessaging';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MESSAGING_BOUNDS, SES_BOUNDS } from '../../lambdas/call-bounds.js';
import { createSesClient, SES_ADDRESS, type SesClient } from '../../lambdas/aws-wire/ses-client.js';
import { createSmsClient, SMS_ADDRESS, type SmsClient } from '../../lambdas/aws-wire/sms-client.js';
import {
  createSocialMessagingClient,
  SOCIAL_MESSAGING_ADDRESS,
  type SocialMessagingClient as OurSocialMessagingClient,
} from '../../lambdas/aws-wire/social-messaging-client.js';
import { type ServiceAddress, targetFromEnv } from '../../lambdas/aws-wire/target.js';

const REGION = 'eu-west-1';
const CREDENTIALS = { accessKeyId: 'AKID', secretAccessKey: 'secret' };

interface Wire {
  readonly method: string;
  readonly host: string;
  readonly path: string;
  readonly contentType: string | undefined;
  readonly target: string | undefined;
  /** Credential scope of the signature: `<region>/<signing name>/aws4_request`. */
  readonly scope: string | undefined;
  readonly body: unknown;
}

interface Canned {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body: string;
}

const scopeOf = (authorization: string | undefined) =>
  /Credential=[^/]+\/\d{8}\/([^,]+)/.exec(authorization ?? '')?.[1];
const bodyOf = (text: string): unknown => (text === '' ? undefined : JSON.parse(text));

function wireOf(
  method: string,
  host: string,
  path: string,
  headers: IncomingHttpHeaders | Record<string, string>,
  body: string,
): Wire {
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return {
    method,
    host,
    path,
    contentType: header('content-type'),
    target: header('x-amz-target'),
    scope: scopeOf(header('authorization')),
    body: bodyOf(body),
  };
}

type SdkConfig = NonNullable<ConstructorParameters<typeof SESv2Client>[0]>;
type SdkClient = SESv2Client | PinpointSMSVoiceV2Client | SocialMessagingClient;
type SdkClass = (config: SdkConfig) => SdkClient;
const sdkSes: SdkClass = (config) => new SESv2Client(config);
const sdkSms: SdkClass = (config) =>
  new PinpointSMSVoiceV2Client(
    config as NonNullable<ConstructorParameters<typeof PinpointSMSVoiceV2Client>[0]>,
  );
const sdkSocial: SdkClass = (config) =>
  new SocialMessagingClient(config as NonNullable<ConstructorParameters<typeof SocialMessagingClient>[0]>);

/** Runs one SDK command against a canned answer: what it sent, and what it answered or threw. */
async function sdkExchange(
  Client: SdkClass,
  command: unknown,
  answer: Canned,
): Promise<{ wire: Wire; output?: unknown; error?: unknown }> {
  let wire: Wire | undefined;
  const client = Client({
    region: REGION,
    credentials: CREDENTIALS,
    maxAttempts: 1,
    requestHandler: {
      handle: (request: {
        method: string;
        hostname: string;
        path: string;
        headers: Record<string, string>;
        body?: string | Uint8Array;
      }) => {
        const body =
          request.body === undefined
            ? ''
            : typeof request.body === 'string'
              ? request.body
              : new TextDecoder().decode(request.body);
        wire = wireOf(request.method, request.hostname, request.path, request.headers, body);
        return Promise.resolve({
          response: {
            statusCode: answer.status,
            headers: { 'content-type': 'application/json', 'x-amzn-requestid': 'REQ1', ...answer.headers },
            body: Readable.from([Buffer.from(answer.body)]),
          },
        });
      },
    },
  });
  const send = client.send.bind(client) as (command: unknown) => Promise<Record<string, unknown>>;
  try {
    const { $metadata: _metadata, ...output } = await send(command);
    if (!wire) throw new Error('the SDK sent nothing');
    return { wire, output };
  } catch (error) {
    if (!wire) throw error;
    return { wire, error };
  }
}

let server: Server;
let endpoint: URL;
let canned: Canned = { status: 200, body: '{}' };
let received: Wire | undefined;

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received = wireOf(
        request.method ?? '',
        '',
        request.url ?? '',
        request.headers,
        Buffer.concat(chunks).toString(),
      );
      response
        .writeHead(canned.status, {
          'content-type': 'application/json',
          'x-amzn-requestid': 'REQ1',
          ...canned.headers,
        })
        .end(canned.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});

const target = () => ({ endpoint, region: REGION, credentials: () => CREDENTIALS });
let ses: SesClient;
let sms: SmsClient;
let social: OurSocialMessagingClient;
beforeAll(() => {
  ses = createSesClient(target(), SES_BOUNDS);
  sms = createSmsClient(target(), MESSAGING_BOUNDS);
  social = createSocialMessagingClient(target(), MESSAGING_BOUNDS);
});
afterAll(async () => {
  ses.destroy();
  sms.destroy();
  social.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Runs our call against the recorder with the same canned answer: what it sent, and what it answered or threw. */
async function ourExchange(
  call: () => Promise<unknown>,
  answer: Canned,
): Promise<{ wire: Wire; output?: unknown; error?: unknown }> {
  canned = answer;
  received = undefined;
  try {
    const output = await call();
    if (!received) throw new Error('our client sent nothing');
    return { wire: received, output };
  } catch (error) {
    if (!received) throw error;
    return { wire: received, error };
  }
}

/** The SDK's wire minus the host, which ours sends to the recorder instead. */
const withoutHost = ({ host: _host, ...wire }: Wire) => wire;

interface Case {
  readonly name: string;
  readonly Client: SdkClass;
  readonly command: unknown;
  readonly ours: () => Promise<unknown>;
  readonly answer: Canned;
  /** Our output, read from the same bytes, in terms of the SDK's output. */
  readonly expectedOutput: (sdkOutput: Record<string, unknown>) => unknown;
}

const RAW = new Uint8Array(Buffer.from('From: a@example.com\r\nSubject: Hi\r\n\r\nbody ü'));
const SEND_EMAIL = {
  FromEmailAddress: '=?UTF-8?Q?Zo=C3=AB?= <zoe@example.com>',
  Destination: { ToAddresses: ['a@example.com'], CcAddresses: [], BccAddresses: ['b@example.com'] },
  Content: { Raw: { Data: RAW } },
  EmailTags: [{ Name: 'kind', Value: 'welcome' }],
  ConfigurationSetName: 'the-set',
};
const IDENTITY = {
  IdentityType: 'DOMAIN',
  VerificationStatus: 'PENDING',
  DkimAttributes: { Status: 'PENDING', Tokens: ['t1', 't2', 't3'], SigningEnabled: true },
  MailFromAttributes: {
    MailFromDomain: 'mail.example.com',
    MailFromDomainStatus: 'SUCCESS',
    BehaviorOnMxFailure: 'USE_DEFAULT_VALUE',
  },
};
const SMS: SendTextMessageCommandInput = {
  DestinationPhoneNumber: '+14155550111',
  OriginationIdentity: 'SENDER',
  MessageBody: 'hello ü',
  MessageType: 'TRANSACTIONAL',
  ConfigurationSetName: 'cs',
};
const WHATSAPP = {
  originationPhoneNumberId: 'phone-number-id-1',
  message: new TextEncoder().encode(
    JSON.stringify({
      messaging_product: 'whatsapp',
      to: '+14155550112',
      type: 'text',
      text: { body: 'hi ü' },
    }),
  ),
  metaApiVersion: 'v20.0',
};

const cases: Case[] = [
  {
    name: 'SES SendEmail',
    Client: sdkSes,
    command: new SendEmailCommand(SEND_EMAIL),
    ours: () => ses.sendEmail(SEND_EMAIL),
    answer: { status: 200, body: '{"MessageId":"ses-1"}' },
    expectedOutput: (output) => ({ MessageId: output.MessageId }),
  },
  {
    name: 'SES CreateEmailIdentity',
    Client: sdkSes,
    command: new CreateEmailIdentityCommand({
      EmailIdentity: 'example.com',
      DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' },
      ConfigurationSetName: 'the-set',
    }),
    ours: () =>
      ses.createEmailIdentity({
        EmailIdentity: 'example.com',
        DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' },
        ConfigurationSetName: 'the-set',
      }),
    answer: {
      status: 200,
      body: '{"IdentityType":"DOMAIN","VerifiedForSendingStatus":false,"DkimAttributes":{"Status":"PENDING","Tokens":["t1","t2","t3"]}}',
    },
    expectedOutput: (output) => ({ DkimTokens: (output.DkimAttributes as { Tokens: string[] }).Tokens }),
  },
  {
    name: 'SES PutEmailIdentityMailFromAttributes',
    Client: sdkSes,
    command: new PutEmailIdentityMailFromAttributesCommand({
      EmailIdentity: 'bücher.example.de',
      MailFromDomain: 'mail.bücher.example.de',
      BehaviorOnMxFailure: 'USE_DEFAULT_VALUE',
    }),
    ours: () =>
      ses.putEmailIdentityMailFromAttributes({
        EmailIdentity: 'bücher.example.de',
        MailFromDomain: 'mail.bücher.example.de',
        BehaviorOnMxFailure: 'USE_DEFAULT_VALUE',
      }),
    answer: { status: 200, body: '{}' },
    expectedOutput: () => undefined,
  },
  {
    name: 'SES GetEmailIdentity',
    Client: sdkSes,
    command: new GetEmailIdentityCommand({ EmailIdentity: 'example.com' }),
    ours: () => ses.getEmailIdentity('example.com'),
    answer: { status: 200, body: JSON.stringify(IDENTITY) },
    expectedOutput: (output) => {
      const dkim = output.DkimAttributes as { Status: string; Tokens: string[] };
      const mailFrom = output.MailFromAttributes as { MailFromDomainStatus: string };
      return {
        VerificationStatus: output.VerificationStatus,
        DkimStatus: dkim.Status,
        DkimTokens: dkim.Tokens,
        MailFromDomainStatus: mailFrom.MailFromDomainStatus,
      };
    },
  },
  {
    name: 'SES DeleteEmailIdentity',
    Client: sdkSes,
    command: new DeleteEmailIdentityCommand({ EmailIdentity: 'example.com' }),
    ours: () => ses.deleteEmailIdentity('example.com'),
    answer: { status: 200, body: '' },
    expectedOutput: () => undefined,
  },
  {
    name: 'End User Messaging SMS SendTextMessage',
    Client: sdkSms,
    command: new SendTextMessageCommand(SMS),
    ours: () =>
      sms.sendTextMessage({
        DestinationPhoneNumber: '+14155550111',
        OriginationIdentity: 'SENDER',
        MessageBody: 'hello ü',
        MessageType: 'TRANSACTIONAL',
        ConfigurationSetName: 'cs',
      }),
    answer: {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.0' },
      body: '{"MessageId":"sms-1"}',
    },
    expectedOutput: (output) => ({ MessageId: output.MessageId }),
  },
  {
    name: 'End User Messaging Social SendWhatsAppMessage',
    Client: sdkSocial,
    command: new SendWhatsAppMessageCommand(WHATSAPP),
    ours: () => social.sendWhatsAppMessage(WHATSAPP),
    answer: { status: 200, body: '{"messageId":"wa-1"}' },
    expectedOutput: (output) => ({ messageId: output.messageId }),
  },
];

describe('each call as the SDK serializes it', () => {
  it.each(cases)('$name: the same method, path, headers, body and signing scope', async (entry) => {
    const sdk = await sdkExchange(entry.Client, entry.command, entry.answer);
    const ours = await ourExchange(entry.ours, entry.answer);
    expect(sdk.error).toBeUndefined();
    expect(ours.error).toBeUndefined();
    expect(withoutHost(ours.wire)).toEqual(withoutHost(sdk.wire));
    expect(ours.output).toEqual(entry.expectedOutput(sdk.output as Record<string, unknown>));
  });

  it.each([
    ['SES', sdkSes, new GetEmailIdentityCommand({ EmailIdentity: 'example.com' }), SES_ADDRESS],
    ['SMS', sdkSms, new SendTextMessageCommand(SMS), SMS_ADDRESS],
    ['Social', sdkSocial, new SendWhatsAppMessageCommand(WHATSAPP), SOCIAL_MESSAGING_ADDRESS],
  ] as const)(
    '%s: the regional host is the one the SDK picks',
    async (_name, Client, command, address: ServiceAddress) => {
      const sdk = await sdkExchange(Client, command, { status: 200, body: '{}' });
      const env = { AWS_REGION: REGION, AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret' };
      expect(targetFromEnv(address, env).endpoint.host).toBe(sdk.wire.host);
    },
  );
});

describe('endpoint overrides, read as the SDK reads them', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it.each([
    [
      'AWS_ENDPOINT_URL_SESV2',
      sdkSes,
      new GetEmailIdentityCommand({ EmailIdentity: 'example.com' }),
      SES_ADDRESS,
    ],
    ['AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2', sdkSms, new SendTextMessageCommand(SMS), SMS_ADDRESS],
    [
      'AWS_ENDPOINT_URL_SOCIALMESSAGING',
      sdkSocial,
      new SendWhatsAppMessageCommand(WHATSAPP),
      SOCIAL_MESSAGING_ADDRESS,
    ],
  ] as const)(
    '%s points the SDK and ours at the same host',
    async (variable, Client, command, address: ServiceAddress) => {
      vi.stubEnv(variable, 'http://stand-in.test:8123');
      const sdk = await sdkExchange(Client, command, { status: 200, body: '{}' });
      expect(sdk.wire.host).toBe('stand-in.test');
      expect(targetFromEnv(address, { ...process.env, AWS_REGION: REGION }).endpoint.host).toBe(
        'stand-in.test:8123',
      );
    },
  );
});

describe('error answers, read as the SDK reads them', () => {
  const errors: [string, SdkClass, unknown, () => Promise<unknown>, Canned][] = [
    [
      'restJson1, the type in x-amzn-ErrorType with a URL after it',
      sdkSes,
      new SendEmailCommand(SEND_EMAIL),
      () => ses.sendEmail(SEND_EMAIL),
      {
        status: 400,
        headers: {
          'x-amzn-ErrorType': 'MessageRejected:http://internal.amazon.com/coral/com.amazonaws.sesv2/',
        },
        body: '{"message":"Email address is not verified."}',
      },
    ],
    [
      'restJson1, the type only in the body, namespaced',
      sdkSes,
      new GetEmailIdentityCommand({ EmailIdentity: 'example.com' }),
      () => ses.getEmailIdentity('example.com'),
      {
        status: 404,
        body: '{"__type":"com.amazonaws.sesv2#NotFoundException","Message":"Identity example.com does not exist."}',
      },
    ],
    [
      'restJson1, a throttle with `code`',
      sdkSes,
      new CreateEmailIdentityCommand({ EmailIdentity: 'example.com' }),
      () => ses.createEmailIdentity({ EmailIdentity: 'example.com' }),
      { status: 429, body: '{"code":"TooManyRequestsException","message":"Slow down"}' },
    ],
    [
      'restJson1, AlreadyExistsException',
      sdkSes,
      new CreateEmailIdentityCommand({ EmailIdentity: 'example.com' }),
      () => ses.createEmailIdentity({ EmailIdentity: 'example.com' }),
      {
        status: 400,
        headers: { 'x-amzn-ErrorType': 'AlreadyExistsException' },
        body: '{"message":"exists"}',
      },
    ],
    [
      'awsJson1_0, the type in the body',
      sdkSms,
      new SendTextMessageCommand(SMS),
      () =>
        sms.sendTextMessage({ ...SMS, MessageType: 'TRANSACTIONAL' } as Parameters<
          SmsClient['sendTextMessage']
        >[0]),
      {
        status: 400,
        headers: { 'content-type': 'application/x-amz-json-1.0' },
        body: '{"__type":"com.amazonaws.pinpointsmsvoicev2#ValidationException","Message":"Invalid destination."}',
      },
    ],
    [
      'awsJson1_0, ThrottlingException in the header',
      sdkSms,
      new SendTextMessageCommand(SMS),
      () =>
        sms.sendTextMessage({ ...SMS, MessageType: 'TRANSACTIONAL' } as Parameters<
          SmsClient['sendTextMessage']
        >[0]),
      {
        status: 400,
        headers: { 'x-amzn-ErrorType': 'ThrottlingException' },
        body: '{"Message":"Rate exceeded"}',
      },
    ],
    [
      'restJson1 (Social), ValidationException',
      sdkSocial,
      new SendWhatsAppMessageCommand(WHATSAPP),
      () => social.sendWhatsAppMessage(WHATSAPP),
      {
        status: 400,
        headers: { 'x-amzn-ErrorType': 'ValidationException' },
        body: '{"message":"bad message"}',
      },
    ],
  ];

  it.each(errors)(
    '%s: the same name, message, fault and status',
    async (_name, Client, command, ours, answer) => {
      const sdk = await sdkExchange(Client, command, answer);
      const mine = await ourExchange(ours, answer);
      const sdkError = sdk.error as Error & { $fault: string; $metadata: { httpStatusCode: number } };
      const ourError = mine.error as Error & { $fault: string; $metadata: { httpStatusCode: number } };
      expect(ourError).toBeInstanceOf(Error);
      expect({
        name: ourError.name,
        message: ourError.message,
        fault: ourError.$fault,
        status: ourError.$metadata.httpStatusCode,
      }).toEqual({
        name: sdkError.name,
        message: sdkError.message,
        fault: sdkError.$fault,
        status: sdkError.$metadata.httpStatusCode,
      });
    },
  );

  it('a body that is not JSON (a proxy’s page) is named by its status and counted as the server’s fault', async () => {
    const { error } = await ourExchange(() => ses.sendEmail(SEND_EMAIL), {
      status: 502,
      body: '<html>Bad Gateway</html>',
    });
    expect(error).toMatchObject({ name: 'HTTP 502', $fault: 'server', $metadata: { httpStatusCode: 502 } });
  });
});
