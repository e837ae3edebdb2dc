/**
 * The sending service against DynamoDB Local, with SES faults injected by a fake SES at the HTTP
 * level (the local SES accepts everything, so rejections and throttles have no local stand-in).
 */
import type { Documents } from '../../../../lambdas/aws/aws-clients.js';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServiceHandler } from '../../../../lambdas/http/frame.js';
import { UNLIMITED_FRAME } from '../../../support/frame.js';
import { sendingRoutes } from '../../../../lambdas/sending/route-handlers.js';
import { sesSender } from '../../../../lambdas/sending/ses-sender.js';
import { silentLog } from '../../../../local/handlers.js';
import { fixtureDomainOf, seedVerifiedDomain } from '../../../support/domains.js';
import { authContextFor, proxyEvent } from '../../../support/events.js';
import { type FakeSes, rawMessageOf, startFakeSes } from '../../../support/fake-ses.js';
import { createTestAws, type TestAws } from '../../../support/local-aws.js';
import { emailKey } from '../../../../lambdas/sending/email-store.js';

let ses: FakeSes;
let aws: TestAws;
// The real time, not a fixed date: DynamoDB Local deletes an item within about a second once its
// `ttl` has passed by the wall clock, so claims written by a clock in the past vanish mid-test.
let clock = new Date();
let failNextUpdateOf: string | undefined;

beforeAll(async () => {
  aws = await createTestAws();
  ses = await startFakeSes();
});
afterAll(async () => {
  await ses?.stop();
});
afterEach(() => {
  ses.reset();
  failNextUpdateOf = undefined;
});

/** Fails the next DynamoDB UpdateItem whose sort key starts with `failNextUpdateOf`; the rest is real. */
function documents(): Documents {
  const real = aws.documents;
  const send = (command: Parameters<Documents['send']>[0]) => {
    const sk = command instanceof UpdateCommand ? String(command.input.Key?.sk ?? '') : '';
    if (failNextUpdateOf !== undefined && sk.startsWith(failNextUpdateOf)) {
      failNextUpdateOf = undefined;
      return Promise.reject(
        Object.assign(new Error('injected'), { name: 'ProvisionedThroughputExceededException' }),
      );
    }
    return real.send(command);
  };
  return { send } as unknown as Documents;
}

function handler() {
  return createServiceHandler(
    'sending',
    sendingRoutes({
      documents: documents(),
      dataTable: aws.tables.data,
      now: () => clock,
      send: sesSender(ses.client),
    }),
    silentLog,
    UNLIMITED_FRAME,
  );
}

let projectCounter = 0;
/** A project that owns a verified sending domain (fixtureDomainOf its id), so its sends pass the domain check. */
async function newProject(): Promise<string> {
  const projectId = `proj_sending_${++projectCounter}_${Date.now()}`;
  await seedVerifiedDomain(
    { documents: aws.documents, dataTable: aws.tables.data },
    projectId,
    fixtureDomainOf(projectId),
  );
  return projectId;
}
const sendEvent = (
  projectId: string,
  headers: Record<string, string> = {},
  subject = 'Hello',
  keyId = 'AAAAAAAAAAAA',
) =>
  proxyEvent({
    method: 'POST',
    resource: '/v1/emails',
    body: { from: `a@${fixtureDomainOf(projectId)}`, to: 'b@example.com', subject, text: 'x' },
    headers,
    authorizer: authContextFor({ projectId, keyId }),
  });

const sesError = (error: string, message?: string) => ({ error, ...(message ? { message } : {}) });

async function storedEmail(projectId: string, id: string) {
  const { Item } = await aws.documents.send(
    new GetCommand({ TableName: aws.tables.data, Key: emailKey(projectId, id) }),
  );
  return Item;
}

describe('SES failures', () => {
  it.each([
    ['MessageRejected', 422, 'email_rejected'],
    ['MailFromDomainNotVerifiedException', 422, 'email_rejected'],
    ['TooManyRequestsException', 429, 'rate_limited'],
    ['InternalFailure', 503, 'upstream_unavailable'],
    ['SendingPausedException', 503, 'upstream_unavailable'],
    ['AccountSuspendedException', 503, 'upstream_unavailable'],
  ])('%s answers %i %s and leaves the email recorded as failed', async (name, status, code) => {
    ses.always(sesError(name));
    const projectId = await newProject();
    const response = await handler()(sendEvent(projectId));
    expect(response.statusCode).toBe(status);
    const body = JSON.parse(response.body);
    expect(body.error_code).toBe(code);
    expect(body.message).not.toMatch(/stack|at .*\.ts/);
    const list = await handler()(
      proxyEvent({ method: 'GET', resource: '/v1/emails', authorizer: authContextFor({ projectId }) }),
    );
    expect(JSON.parse(list.body).data).toEqual([
      expect.objectContaining({ status: 'failed', failure_reason: code }),
    ]);
  });

  it('frees the Idempotency-Key after a failed send, so the retry sends', async () => {
    // Arrange
    const projectId = await newProject();
    const headers = { 'Idempotency-Key': 'after-failure' };
    ses.next(sesError('TooManyRequestsException'));
    ses.always({ messageId: 'ses-1' });
    // Act
    const failed = await handler()(sendEvent(projectId, headers));
    const retried = await handler()(sendEvent(projectId, headers));
    // Assert
    expect(failed.statusCode).toBe(429);
    expect(retried.statusCode).toBe(200);
    expect(ses.requests).toHaveLength(2);
    const id = JSON.parse(retried.body).id as string;
    expect(await storedEmail(projectId, id)).toMatchObject({ status: 'sent', sesMessageId: 'ses-1' });
  });

  it("passes SES's rejection reason on to the caller", async () => {
    ses.always(sesError('MessageRejected', 'Email address is not verified.'));
    const response = await handler()(sendEvent(await newProject()));
    expect(JSON.parse(response.body).message).toBe(
      'The email was rejected by SES. Email address is not verified.',
    );
  });
});

describe('Idempotency-Key per calling key', () => {
  it('replays the first email to the key that sent it, with Idempotent-Replayed, and sends anew for another key', async () => {
    const projectId = await newProject();
    ses.always({ messageId: 'ses-per-key' });
    const headers = { 'Idempotency-Key': 'per-key' };
    const first = await handler()(sendEvent(projectId, headers, 'Hello', 'AAAAAAAAAAAA'));
    const replay = await handler()(sendEvent(projectId, headers, 'Hello', 'AAAAAAAAAAAA'));
    const otherKey = await handler()(sendEvent(projectId, headers, 'Hello', 'BBBBBBBBBBBB'));
    expect(first.headers?.['idempotent-replayed']).toBeUndefined();
    expect(replay.headers?.['idempotent-replayed']).toBe('true');
    expect(JSON.parse(replay.body).id).toBe(JSON.parse(first.body).id);
    expect(otherKey.statusCode).toBe(200);
    expect(otherKey.headers?.['idempotent-replayed']).toBeUndefined();
    expect(JSON.parse(otherKey.body).id).not.toBe(JSON.parse(first.body).id);
    expect(ses.requests).toHaveLength(2);
  });
});

describe('Idempotency-Key under concurrency', () => {
  it('sends exactly once when the same request races itself', async () => {
    const projectId = await newProject();
    ses.always({ messageId: 'ses-race' });
    const headers = { 'Idempotency-Key': 'race' };
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => handler()(sendEvent(projectId, headers))),
    );
    expect(ses.requests).toHaveLength(1);
    const ids = new Set(responses.filter((r) => r.statusCode === 200).map((r) => JSON.parse(r.body).id));
    expect(ids.size).toBe(1);
    for (const response of responses.filter((r) => r.statusCode !== 200)) {
      expect(response.statusCode).toBe(409);
      expect(JSON.parse(response.body).error_code).toBe('idempotency_in_progress');
    }
  });

  it('lets a retry take over a claim left unfinished for longer than the lock (a crashed send)', async () => {
    // Arrange: a claim that never completes, because SES never answers.
    const projectId = await newProject();
    const headers = { 'Idempotency-Key': 'crashed' };
    ses.always('stall');
    void handler()(sendEvent(projectId, headers));
    await expect.poll(() => ses.requests.length).toBe(1);
    const blocked = await handler()(sendEvent(projectId, headers));
    // Act: two minutes later, the lock has lapsed.
    ses.reset();
    ses.always({ messageId: 'ses-after' });
    clock = new Date(clock.getTime() + 120_000);
    const retried = await handler()(sendEvent(projectId, headers));
    // Assert
    expect(blocked.statusCode).toBe(409);
    expect(retried.statusCode).toBe(200);
  });
});

describe('after SES has accepted an email', () => {
  it('answers 200 and never resends when recording the sent status fails', async () => {
    // Arrange
    const projectId = await newProject();
    const headers = { 'Idempotency-Key': 'record-fails' };
    ses.always({ messageId: 'ses-accepted' });
    failNextUpdateOf = 'EMAIL#';
    // Act
    const first = await handler()(sendEvent(projectId, headers));
    const retry = await handler()(sendEvent(projectId, headers));
    // Assert
    expect(first.statusCode).toBe(200);
    expect(JSON.parse(retry.body).id).toBe(JSON.parse(first.body).id);
    expect(ses.requests).toHaveLength(1);
  });

  it('answers a stale claim whose email went out with that email, not a second send', async () => {
    // Arrange: the send succeeds but completing the Idempotency-Key fails, so the claim stays open.
    const projectId = await newProject();
    const headers = { 'Idempotency-Key': 'complete-fails' };
    ses.always({ messageId: 'ses-once' });
    failNextUpdateOf = 'IDEMPOTENCY#';
    const first = await handler()(sendEvent(projectId, headers));
    // Act: a retry inside the lock waits; after it, the earlier email is the answer.
    const early = await handler()(sendEvent(projectId, headers));
    clock = new Date(clock.getTime() + 120_000);
    const late = await handler()(sendEvent(projectId, headers));
    // Assert
    expect(first.statusCode).toBe(200);
    expect(early.statusCode).toBe(409);
    expect(late.statusCode).toBe(200);
    expect(JSON.parse(late.body).id).toBe(JSON.parse(first.body).id);
    expect(ses.requests).toHaveLength(1);
  });
});

describe('defence in depth', () => {
  it('refuses a send whose authorizer context lacks emails:send, even if API Gateway let it through', async () => {
    const response = await handler()(
      proxyEvent({
        method: 'POST',
        resource: '/v1/emails',
        body: {},
        authorizer: authContextFor({
          projectId: await newProject(),
          permission: 'custom',
          scopes: ['emails:read'],
        }),
      }),
    );
    expect(response.statusCode).toBe(403);
    expect(JSON.parse(response.body)).toMatchObject({
      error_code: 'insufficient_scope',
      required_scope: 'emails:send',
    });
    expect(ses.requests).toHaveLength(0);
  });

  it('refuses a body that names a project: the project comes only from the authorizer', async () => {
    ses.always({ messageId: 'ses-tenancy' });
    const projectId = await newProject();
    const event = proxyEvent({
      method: 'POST',
      resource: '/v1/emails',
      body: {
        from: 'a@example.com',
        to: 'b@example.com',
        subject: 's',
        text: 'x',
        project_id: 'proj_victim',
      },
      authorizer: authContextFor({ projectId }),
    });
    const response = await handler()(event);
    expect(response.statusCode).toBe(400);
    expect(ses.requests).toHaveLength(0);
  });
});

describe('POST /v1/emails/batch when SES refuses an email part-way', () => {
  const batchEvent = (projectId: string, subjects: string[], headers: Record<string, string> = {}) =>
    proxyEvent({
      method: 'POST',
      resource: '/v1/emails/batch',
      body: subjects.map((subject) => ({
        from: `a@${fixtureDomainOf(projectId)}`,
        to: 'b@example.com',
        subject,
        text: 'x',
      })),
      headers,
      authorizer: authContextFor({ projectId }),
    });
  const subjectsSent = () =>
    ses.requests.map((request) => /^Subject: (.*)$/m.exec(rawMessageOf(request))?.[1]);

  it('stops at the refused email, answers its error with the ids already sent, and a retry with the same key sends only the rest', async () => {
    // Arrange: SES accepts the first email and refuses the second.
    const projectId = await newProject();
    const headers = { 'Idempotency-Key': 'batch-partial' };
    ses.next({ messageId: 'ses-0' }, sesError('MessageRejected', 'Address blacklisted.'));
    ses.always({ messageId: 'ses-later' });
    // Act
    const stopped = await handler()(batchEvent(projectId, ['s0', 's1', 's2'], headers));
    const resumed = await handler()(batchEvent(projectId, ['s0', 's1', 's2'], headers));
    const replayed = await handler()(batchEvent(projectId, ['s0', 's1', 's2'], headers));
    const otherBody = await handler()(batchEvent(projectId, ['s0', 'other'], headers));
    // Assert: the first answer names email 1 and lists email 0 as sent.
    expect(stopped.statusCode).toBe(422);
    const stoppedBody = JSON.parse(stopped.body);
    expect(stoppedBody.error_code).toBe('email_rejected');
    expect(stoppedBody.message).toBe(
      'Email 1 of 3 was not sent: The email was rejected by SES. Address blacklisted. Emails 0 to 0 of 3 were sent ' +
        '(their ids are in data). Retry with the same Idempotency-Key to send the rest; the emails already sent are not sent again.',
    );
    expect(stoppedBody.data).toEqual([{ id: expect.stringMatching(/^em_/) }]);
    // The retry sent emails 1 and 2 only, and answered email 0's first id.
    expect(resumed.statusCode).toBe(200);
    const ids = (JSON.parse(resumed.body).data as { id: string }[]).map(({ id }) => id);
    expect(ids).toHaveLength(3);
    expect(ids[0]).toBe(stoppedBody.data[0].id);
    expect(subjectsSent()).toEqual(['s0', 's1', 's1', 's2']);
    // The completed batch replays without sending; another body under the key is a conflict.
    expect(JSON.parse(replayed.body)).toEqual(JSON.parse(resumed.body));
    expect(otherBody.statusCode).toBe(409);
    expect(ses.requests).toHaveLength(4);
    expect(await storedEmail(projectId, ids[2] ?? '')).toMatchObject({ status: 'sent', subject: 's2' });
  });

  it('sends nothing and names the email when one of them may not be sent from its domain', async () => {
    ses.always({ messageId: 'never' });
    const projectId = await newProject();
    const allowed = fixtureDomainOf(projectId);
    const event = proxyEvent({
      method: 'POST',
      resource: '/v1/emails/batch',
      body: [
        { from: `a@${allowed}`, to: 'b@example.com', subject: 'ok', text: 'x' },
        { from: 'a@elsewhere.example', to: 'b@example.com', subject: 'no', text: 'x' },
      ],
      authorizer: authContextFor({ projectId, allowedDomains: [allowed] }),
    });
    const response = await handler()(event);
    expect(response.statusCode).toBe(403);
    expect(JSON.parse(response.body)).toMatchObject({
      error_code: 'domain_not_allowed',
      message: 'Email 1: This API key may not send from this domain.',
    });
    expect(ses.requests).toHaveLength(0);
  });
});
