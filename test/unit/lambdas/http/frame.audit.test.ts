/** The frame's audit entries: which calls, with what, and what a failed write changes (nothing). */
import type { Documents } from '../../../../lambdas/aws/aws-clients.js';
import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import type { AuditStore } from '../../../../lambdas/http/audit-log.js';
import { ApiError } from '../../../../lambdas/api/errors.js';
import { createServiceHandler, type ServiceContracts } from '../../../../lambdas/http/frame.js';
import { authContextFor, proxyEvent } from '../../../support/events.js';
import { UNLIMITED_FRAME } from '../../../support/frame.js';

const response = { status: 200, description: 'echo', schema: z.unknown() } as const;
const CONTRACTS = {
  sendEmail: { body: z.strictObject({ to: z.string() }), response: { ...response, status: 201 } },
  sendEmailBatch: { response },
  listEmails: { response },
  getEmail: { params: z.object({ id: z.string() }), response },
  listEmailEvents: { params: z.object({ id: z.string() }), response },
  rescheduleEmail: { params: z.object({ id: z.string() }), response },
  cancelEmail: { params: z.object({ id: z.string() }), response },
  sendSms: { response },
  sendWhatsapp: { response },
  resendSendEmail: { body: z.strictObject({ to: z.string() }), response },
  resendSendEmailBatch: { response },
  resendListEmails: { response },
  resendGetEmail: { params: z.object({ id: z.string() }), response },
  resendUpdateEmail: { params: z.object({ id: z.string() }), response },
  resendCancelEmail: { params: z.object({ id: z.string() }), response },
  sendgridSendMail: { response },
} satisfies ServiceContracts<'sending'>;

const NOW = new Date('2026-11-24T12:00:00.000Z');

function setUp(options: { putFails?: boolean; handlerThrows?: boolean } = {}) {
  const puts: Record<string, unknown>[] = [];
  const send = vi.fn((command: { input: { Item: Record<string, unknown> } }) => {
    if (options.putFails) return Promise.reject(Object.assign(new Error('down'), { name: 'TimeoutError' }));
    puts.push(command.input.Item);
    return Promise.resolve({});
  });
  const audit: AuditStore = {
    documents: { send } as unknown as Documents,
    dataTable: 'Data',
    now: () => NOW,
  };
  const run = async () => {
    if (options.handlerThrows) throw new ApiError('not_found');
    return { id: 'em_created' };
  };
  const handlers = {
    sendEmail: run,
    sendEmailBatch: run,
    listEmails: run,
    getEmail: run,
    listEmailEvents: run,
    rescheduleEmail: run,
    cancelEmail: run,
    sendSms: run,
    sendWhatsapp: run,
    resendSendEmail: run,
    resendSendEmailBatch: run,
    resendListEmails: run,
    resendGetEmail: run,
    resendUpdateEmail: run,
    resendCancelEmail: run,
    sendgridSendMail: run,
  };
  const log = { error: vi.fn() };
  return {
    handler: createServiceHandler('sending', { contracts: CONTRACTS, handlers }, log, {
      ...UNLIMITED_FRAME,
      audit,
    }),
    puts,
    log,
  };
}

const auth = authContextFor({ projectId: 'proj_a', keyId: 'KeyKeyKey123' });
const send = proxyEvent({ method: 'POST', resource: '/v1/emails', body: { to: 'a@b.co' }, authorizer: auth });

describe('audit entries from the service frame', () => {
  it("records a mutating call in the caller's project with key, action, created id, source IP and status", async () => {
    const { handler, puts } = setUp();
    expect((await handler(send)).statusCode).toBe(201);
    expect(puts).toEqual([
      {
        // One of the project's audit shards (decision 0036).
        pk: expect.stringMatching(/^PROJECT#proj_a#AUDIT#\d{2}$/),
        sk: expect.stringMatching(/^AUDIT#aud_[0-9A-Za-z]{22}$/),
        id: expect.stringMatching(/^aud_/),
        createdAt: NOW.toISOString(),
        keyId: 'KeyKeyKey123',
        action: 'email.send',
        surface: 'v1',
        resourceId: 'em_created',
        sourceIp: '203.0.113.10',
        status: 201,
        requestId: 'test-request',
        ttl: Math.floor(NOW.getTime() / 1000) + 365 * 24 * 60 * 60,
      },
    ]);
  });

  it('records a call through the Resend surface with its surface and the /v1 action', async () => {
    const { handler, puts } = setUp();
    const resendSend = proxyEvent({
      method: 'POST',
      resource: '/resend/emails',
      body: { to: 'a@example.org' },
      authorizer: auth,
    });
    expect((await handler(resendSend)).statusCode).toBe(200);
    expect(puts).toEqual([expect.objectContaining({ action: 'email.send', surface: 'resend' })]);
  });

  it.each([
    ['a refusal the handler answered', { handlerThrows: true }, send, 404],
    [
      'invalid input',
      {},
      proxyEvent({ method: 'POST', resource: '/v1/emails', body: { x: 1 }, authorizer: auth }),
      400,
    ],
  ])('records %s with its status', async (_name, options, event, status) => {
    const { handler, puts } = setUp(options);
    expect((await handler(event)).statusCode).toBe(status);
    expect(puts).toEqual([expect.objectContaining({ status, action: 'email.send', resourceId: null })]);
  });

  it('records nothing for a GET, or for a call without a readable authorizer context', async () => {
    const { handler, puts } = setUp();
    await handler(proxyEvent({ method: 'GET', resource: '/v1/emails', authorizer: auth }));
    await handler(
      proxyEvent({ method: 'POST', resource: '/v1/emails', body: { to: 'a@b.co' }, authorizer: {} }),
    );
    expect(puts).toEqual([]);
  });

  it('answers as if nothing happened when the audit write fails, and logs the whole entry', async () => {
    const { handler, log } = setUp({ putFails: true });
    const result = await handler(send);
    expect(result.statusCode).toBe(201);
    expect(JSON.parse(result.body)).toEqual({ id: 'em_created' });
    expect(log.error).toHaveBeenCalledWith(
      'an audit entry was not written',
      expect.objectContaining({
        auditEntry: expect.objectContaining({ action: 'email.send', keyId: 'KeyKeyKey123', status: 201 }),
      }),
    );
  });
});
