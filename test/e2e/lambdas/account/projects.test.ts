import { afterAll, beforeAll, expect, it } from 'vitest';
import { call } from '../../../support/http-client.js';
import { startTestStack, TEST_TEAM, type TestStack } from '../../../support/local-stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

it("GET /v1/projects lists the key's team's projects and no other team's", async () => {
  const { key } = await stack.putKey({ permission: 'custom', scopes: ['projects:read'] });
  const response = await call(stack.url, { path: '/v1/projects', key: key.key });
  expect(response.status).toBe(200);
  const projects = response.json.data as { id: string; team_id: string }[];
  expect(projects.map((project) => project.id).sort()).toEqual(['proj_e2e', 'proj_other']);
  expect(projects.every((project) => project.team_id === TEST_TEAM)).toBe(true);
  expect(response.json).toMatchObject({ object: 'list', has_more: false, next_cursor: null });
});

it('pages through the projects with limit and cursor', async () => {
  const { key } = await stack.putKey({ permission: 'custom', scopes: ['projects:read'] });
  const first = await call(stack.url, { path: '/v1/projects?limit=1', key: key.key });
  const second = await call(stack.url, {
    path: `/v1/projects?limit=1&cursor=${String(first.json.next_cursor)}`,
    key: key.key,
  });
  const ids = [first, second].flatMap((page) => (page.json.data as { id: string }[]).map((p) => p.id));
  expect(ids.sort()).toEqual(['proj_e2e', 'proj_other']);
  expect([first.json.has_more, second.json.has_more]).toEqual([true, false]);
});

it('ignores a body sent with a GET instead of refusing it', async () => {
  const { key } = await stack.putKey();
  const response = await call(stack.url, { path: '/v1/projects', key: key.key, rawBody: 'xx' });
  expect(response.status).toBe(200);
});
