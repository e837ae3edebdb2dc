/**
 * SES events through the local stack: every email the local SES accepts produces SES's events
 * (SES's mailbox-simulator addresses behave as in SES), and the email's status, last_event and
 * /events follow them.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { call } from '../../../support/http-client.js';
import { OTHER_DOMAIN, OTHER_PROJECT, startTestStack, type TestStack } from '../../../support/local-stack.js';

let stack: TestStack;
let key: string;
beforeAll(async () => {
  stack = await startTestStack();
  key = (await stack.putKey({ permission: 'full_access' })).key.key;
});
afterAll(async () => {
  await stack?.close();
});

async function sendTo(to: string, withKey = key, from = 'hello@example.com'): Promise<string> {
  const sent = await call(stack.url, {
    method: 'POST',
    path: '/v1/emails',
    key: withKey,
    body: { from, to, subject: 'events', text: 'x' },
  });
  expect(sent.status).toBe(200);
  return String(sent.json.id);
}

/** The email's events once `count` have been recorded (they arrive after the send answers, as in SES). */
async function eventsOnceRecorded(id: string, count: number): Promise<Record<string, unknown>[]> {
  return vi.waitFor(
    async () => {
      const events = await call(stack.url, { path: `/v1/emails/${id}/events`, key });
      expect(events.status).toBe(200);
      const data = events.json.data as Record<string, unknown>[];
      expect(data).toHaveLength(count);
      return data;
    },
    { timeout: 10_000, interval: 25 },
  );
}

describe('SES events of the local stack', () => {
  it.each([
    ['someone@example.org', 'delivered', ['email.sent', 'email.delivered']],
    ['bounce@simulator.amazonses.com', 'bounced', ['email.sent', 'email.bounced']],
    [
      'complaint@simulator.amazonses.com',
      'complained',
      ['email.sent', 'email.delivered', 'email.complained'],
    ],
    ['suppressionlist@simulator.amazonses.com', 'bounced', ['email.sent', 'email.bounced']],
    ['ooto@simulator.amazonses.com', 'delivered', ['email.sent', 'email.delivered']],
  ])('to %s: status %s, events %j oldest first', async (to, status, types) => {
    const id = await sendTo(to);
    const events = await eventsOnceRecorded(id, types.length);
    expect(events.map((event) => event.type)).toEqual(types);
    const times = events.map((event) => String(event.created_at));
    expect([...times].sort()).toEqual(times);
    expect(events.at(-1)?.details).toMatchObject({ recipients: [to] });
    // The email's status and last_event are updated just after its last event is recorded: wait for
    // them as a client would, rather than read them once.
    await vi.waitFor(
      async () => {
        const email = await call(stack.url, { path: `/v1/emails/${id}`, key });
        expect(email.json).toMatchObject({ status, last_event: types.at(-1) });
      },
      { timeout: 10_000, interval: 25 },
    );
  });

  it('gives bounces their type and sub-type (General, Suppressed)', async () => {
    // Labelled addresses (as SES allows): the unlabelled ones are suppressed by the test above.
    const bounced = await eventsOnceRecorded(await sendTo('bounce+types@simulator.amazonses.com'), 2);
    expect(bounced[1]).toMatchObject({
      type: 'email.bounced',
      details: { bounce_type: 'Permanent', bounce_sub_type: 'General' },
    });
    const suppressed = await eventsOnceRecorded(
      await sendTo('suppressionlist+types@simulator.amazonses.com'),
      2,
    );
    expect(suppressed[1]).toMatchObject({ details: { bounce_sub_type: 'Suppressed' } });
  });

  it('pages the events with limit and cursor', async () => {
    const id = await sendTo('complaint+pages@simulator.amazonses.com');
    await eventsOnceRecorded(id, 3);
    const first = await call(stack.url, { path: `/v1/emails/${id}/events?limit=2`, key });
    expect(first.json).toMatchObject({ object: 'list', has_more: true });
    const cursor = encodeURIComponent(String(first.json.next_cursor));
    const rest = await call(stack.url, { path: `/v1/emails/${id}/events?limit=2&cursor=${cursor}`, key });
    expect(rest.json).toMatchObject({ has_more: false, next_cursor: null });
    expect(
      [...(first.json.data as unknown[]), ...(rest.json.data as unknown[])].map(
        (e) => (e as { type: string }).type,
      ),
    ).toEqual(['email.sent', 'email.delivered', 'email.complained']);
  });

  it("answers 404 for another project's email's events, exactly like a missing email", async () => {
    const theirKey = (await stack.putKey({ projectId: OTHER_PROJECT })).key.key;
    const theirs = await sendTo('someone@example.org', theirKey, `a@${OTHER_DOMAIN}`);
    const foreign = await call(stack.url, { path: `/v1/emails/${theirs}/events`, key });
    const missing = await call(stack.url, { path: '/v1/emails/em_0000000000000000000000/events', key });
    expect(foreign.status).toBe(404);
    expect(foreign.json.error_code).toBe(missing.json.error_code);
    expect(foreign.json.message).toBe(missing.json.message);
  });
});

describe('open and click tracking of the local stack', () => {
  it('follows the from domain’s settings, changed over PATCH /v1/domains/{id}', async () => {
    const project = await stack.freshProject();
    const listed = await call(stack.url, { path: '/v1/domains', key: project.key });
    const domain = (listed.json.data as { id: string; name: string; open_tracking: boolean }[]).find(
      (entry) => entry.name === project.domain,
    );
    expect(domain).toMatchObject({ open_tracking: false, click_tracking: false });
    const patched = await call(stack.url, {
      method: 'PATCH',
      path: `/v1/domains/${domain?.id ?? ''}`,
      key: project.key,
      body: { open_tracking: true, click_tracking: true },
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ open_tracking: true, click_tracking: true });

    const id = await sendTo('reader@example.org', project.key, `news@${project.domain}`);
    const events = await vi.waitFor(
      async () => {
        const answer = await call(stack.url, { path: `/v1/emails/${id}/events`, key: project.key });
        const data = answer.json.data as { type: string }[];
        expect(data).toHaveLength(4);
        return data;
      },
      { timeout: 10_000, interval: 25 },
    );
    expect(events.map((event) => event.type)).toEqual([
      'email.sent',
      'email.delivered',
      'email.opened',
      'email.clicked',
    ]);
  });
});
