/**
 * What every client relies on, over HTTP through the local gateway: answers match their route's
 * contract, requests are named, cursors are bound to their project and route, the project comes only
 * from the key, and the OpenAPI document is public.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiJson } from '../../../docs/openapi.js';
import { CONTRACTS } from '../../../docs/route-contracts.js';
import { encodeCursor } from '../../../lambdas/http/cursor.js';
import { cursorSecret } from '../../../lambdas/http/cursor-secret.js';
import type { RouteId } from '../../../lambdas/api/routes.js';
import { startGateway } from '../../../local/gateway.js';
import { localHandlers, silentLog } from '../../../local/handlers.js';
import { call, type CallResult } from '../../support/http-client.js';
import { OTHER_PROJECT, startTestStack, TEST_PROJECT, type TestStack } from '../../support/local-stack.js';

let stack: TestStack;
let key: string;
beforeAll(async () => {
  stack = await startTestStack();
  key = (await stack.putKey()).key.key;
});
afterAll(async () => {
  await stack?.close();
});

const unique = () => `${Date.now()}-${Math.random().toString(36).slice(2)}`;
/** The verified domain each fresh project's key sends from; TEST_PROJECT's keys send from example.com. */
const domainOfKey = new Map<string, string>();
const send = (withKey: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  call(stack.url, {
    method: 'POST',
    path: '/v1/emails',
    key: withKey,
    headers,
    body: {
      from: `a@${domainOfKey.get(withKey) ?? 'example.com'}`,
      to: 'b@example.com',
      subject: `s ${unique()}`,
      text: 'x',
      ...extra,
    },
  });
const freshProjectKey = async () => {
  const { key: fresh, domain } = await stack.freshProject();
  domainOfKey.set(fresh, domain);
  return fresh;
};

function expectContract(id: RouteId, response: CallResult): void {
  const contract = CONTRACTS[id];
  expect(response.status).toBe(contract.response.status);
  const parsed = contract.response.schema?.safeParse(response.json);
  expect(parsed === undefined || parsed.success ? [] : parsed.error.issues).toEqual([]);
}

describe('answers match their contracts', () => {
  it('sendEmail, getEmail, listEmails and listProjects', async () => {
    const sent = await send(key);
    expectContract('sendEmail', sent);
    expectContract('getEmail', await call(stack.url, { path: `/v1/emails/${String(sent.json.id)}`, key }));
    expectContract('listEmails', await call(stack.url, { path: '/v1/emails?limit=1', key }));
    expectContract('listProjects', await call(stack.url, { path: '/v1/projects', key }));
  });

  it('an error a service answers carries the request id of its X-Request-Id header', async () => {
    const response = await call(stack.url, { path: '/v1/emails/em_0000000000000000000000', key });
    expect(response.status).toBe(404);
    expect(response.json.request_id).toBe(response.headers['x-request-id']);
  });
});

describe('listing is per project', () => {
  it("a project's list holds its own emails and never another project's", async () => {
    const [mine, theirs] = [await freshProjectKey(), await freshProjectKey()];
    const myIds = [String((await send(mine)).json.id), String((await send(mine)).json.id)];
    const theirId = String((await send(theirs)).json.id);
    const ids = async (withKey: string) =>
      ((await call(stack.url, { path: '/v1/emails', key: withKey })).json.data as { id: string }[]).map(
        (email) => email.id,
      );
    expect(await ids(mine)).toEqual([...myIds].reverse());
    expect(await ids(theirs)).toEqual([theirId]);
  });
});

describe('cursors are bound to their project and route', () => {
  /** Three emails in a fresh project and the cursor after its first. */
  async function firstPage() {
    const own = await freshProjectKey();
    for (let index = 0; index < 3; index++) await send(own);
    const page = await call(stack.url, { path: '/v1/emails?limit=1', key: own });
    return { own, cursor: String(page.json.next_cursor) };
  }
  const list = (withKey: string, cursor: string) =>
    call(stack.url, { path: `/v1/emails?limit=1&cursor=${encodeURIComponent(cursor)}`, key: withKey });

  it('the cursor it gave works in the same project', async () => {
    const { own, cursor } = await firstPage();
    expect((await list(own, cursor)).status).toBe(200);
  });

  it.each([
    [
      'with a bit flipped',
      (cursor: string) => `${cursor.slice(0, 3)}${cursor[3] === 'A' ? 'B' : 'A'}${cursor.slice(4)}`,
    ],
    ['cut short', (cursor: string) => cursor.slice(0, -2)],
    ['without its signature', (cursor: string) => cursor.split('.')[0] ?? ''],
    [
      'with another position swapped in',
      (cursor: string) =>
        `${Buffer.from(JSON.stringify({ p: 'EMAIL#em_zzzzzzzzzzzzzzzzzzzzzz' })).toString('base64url')}.${cursor.split('.')[1]}`,
    ],
  ])('a cursor %s is a 400 naming the cursor', async (_case, tamper) => {
    const { own, cursor } = await firstPage();
    const response = await list(own, tamper(cursor));
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error_code: 'validation_error', errors: [{ path: 'cursor' }] });
  });

  it("another project's cursor is a 400, not a page of either project", async () => {
    const { cursor } = await firstPage();
    const response = await list(key, cursor);
    expect(response.status).toBe(400);
    expect(response.json.errors).toEqual([expect.objectContaining({ path: 'cursor' })]);
  });

  it('a cursor signed for another route of the same project is a 400', async () => {
    const secret = await cursorSecret({ documents: stack.aws.documents, dataTable: stack.aws.tables.data });
    const forged = encodeCursor(
      secret,
      { projectId: TEST_PROJECT, routeId: 'listProjects' },
      'EMAIL#em_zzzzzzzzzzzzzzzzzzzzzz',
    );
    const response = await list(key, forged);
    expect(response.status).toBe(400);
  });
});

describe('the project comes only from the key', () => {
  it('request headers and email headers naming another project change nothing', async () => {
    const sent = await send(
      key,
      { headers: { 'X-Project-Id': OTHER_PROJECT, 'X-Scopegate-Project': OTHER_PROJECT } },
      { 'X-Project-Id': OTHER_PROJECT, 'X-Scopegate-Project': OTHER_PROJECT },
    );
    expect(sent.status).toBe(200);
    const otherKey = (await stack.putKey({ projectId: OTHER_PROJECT })).key.key;
    const path = `/v1/emails/${String(sent.json.id)}`;
    expect((await call(stack.url, { path, key })).status).toBe(200);
    expect((await call(stack.url, { path, key: otherKey })).status).toBe(404);
  });

  it('a projectId in the query or body is refused as an unknown field, not obeyed', async () => {
    const query = await call(stack.url, { path: `/v1/emails?projectId=${OTHER_PROJECT}`, key });
    const body = await send(key, { project_id: OTHER_PROJECT });
    expect([query.status, body.status]).toEqual([400, 400]);
    expect(query.json.errors).toEqual([
      { path: 'projectId', message: 'The projectId query parameter is not a known field.' },
    ]);
  });
});

describe('GET /openapi.json', () => {
  it('answers the generated document without a key', async () => {
    const gateway = await startGateway(
      {
        ...localHandlers({
          documents: stack.aws.documents,
          ses: stack.aws.ses,
          tables: stack.aws.tables,
          environment: 'test',
          log: silentLog,
        }),
        openApiJson: openApiJson(),
      },
      { host: '127.0.0.1', port: 0 },
    );
    try {
      const response = await call(gateway.url, { path: '/openapi.json' });
      expect(response.status).toBe(200);
      expect(response.json).toMatchObject({ openapi: '3.1.0', info: { title: 'scopegate' } });
      expect(response.headers['x-request-id']).toBeDefined();
    } finally {
      await gateway.close();
    }
  });
});
