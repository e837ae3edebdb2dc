/** Templates over HTTP through the local gateway, and sending with one through the local SES. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../../support/http-client.js';
import { sentEmails } from '../../../support/local-aws.js';
import { OTHER_PROJECT, startTestStack, type TestStack } from '../../../support/local-stack.js';

let stack: TestStack;
let key: string;
let sendingKey: string;
beforeAll(async () => {
  stack = await startTestStack();
  key = (await stack.putKey({ permission: 'full_access' })).key.key;
  sendingKey = (await stack.putKey({ permission: 'sending_only' })).key.key;
});
afterAll(async () => {
  await stack?.close();
});

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
const api = (
  method: string,
  path: string,
  body?: unknown,
  withKey = key,
  headers: Record<string, string> = {},
) => call(stack.url, { method, path, key: withKey, body, headers });

const welcome = (overrides: Record<string, unknown> = {}) => ({
  name: 'Welcome',
  alias: `welcome-${unique()}`,
  subject: 'Welcome, {{name}} [{{marker}}]',
  html: '<p>Hi {{name}}, you have {{count}} new messages.{{#vip}} VIP{{/vip}}</p>',
  text: 'Hi {{name}}, you have {{count}} new messages.',
  from: 'Team <team@example.com>',
  variables: [
    { key: 'name', type: 'string', fallback: 'friend' },
    { key: 'count', type: 'number' },
    { key: 'vip', type: 'boolean', fallback: false },
    { key: 'marker', type: 'string' },
  ],
  ...overrides,
});

async function create(overrides: Record<string, unknown> = {}, withKey = key) {
  const response = await api('POST', '/v1/templates', welcome(overrides), withKey);
  expect(response.status).toBe(201);
  return response.json as { id: string; alias: string };
}

/** The one email the local SES received whose subject contains `marker`. */
async function delivered(marker: string) {
  const emails = (await sentEmails(stack.aws.sesEndpoint)).filter((email) => email.subject.includes(marker));
  expect(emails).toHaveLength(1);
  return emails[0];
}

describe('the templates routes', () => {
  it('creates, reads by id and alias, lists, changes and deletes a template', async () => {
    const created = await api('POST', '/v1/templates', welcome({ reply_to: 'help@example.com' }));
    expect(created.status).toBe(201);
    const id = String(created.json.id);
    const alias = String(created.json.alias);
    expect(id).toMatch(/^tpl_[0-9A-Za-z]{22}$/);
    expect(created.json).toMatchObject({
      object: 'template',
      name: 'Welcome',
      reply_to: ['help@example.com'],
      variables: [
        { key: 'name', type: 'string', fallback: 'friend' },
        { key: 'count', type: 'number', fallback: null },
        { key: 'vip', type: 'boolean', fallback: false },
        { key: 'marker', type: 'string', fallback: null },
      ],
    });
    expect(created.json.created_at).toBe(created.json.updated_at);

    const byId = await api('GET', `/v1/templates/${id}`);
    const byAlias = await api('GET', `/v1/templates/${alias}`);
    expect(byId.status).toBe(200);
    expect(byId.json).toEqual(created.json);
    expect(byAlias.json).toEqual(created.json);

    const list = await api('GET', '/v1/templates?limit=100');
    expect(list.status).toBe(200);
    expect(list.json).toMatchObject({ object: 'list', has_more: false, next_cursor: null });
    expect((list.json.data as { id: string }[]).map((template) => template.id)).toContain(id);

    const changed = await api('PATCH', `/v1/templates/${alias}`, {
      name: 'Renamed',
      reply_to: null,
      alias: null,
    });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({
      id,
      name: 'Renamed',
      reply_to: null,
      alias: null,
      subject: created.json.subject,
    });
    expect(changed.json.created_at).toBe(created.json.created_at);
    expect((await api('GET', `/v1/templates/${alias}`)).status).toBe(404);

    const deleted = await api('DELETE', `/v1/templates/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.json).toEqual({ id, deleted: true });
    const gone = await api('GET', `/v1/templates/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.json).toMatchObject({ error_code: 'not_found', message: 'Template not found.' });
  });

  it('deletes by alias and frees it for a new template', async () => {
    const first = await create();
    const deleted = await api('DELETE', `/v1/templates/${first.alias}`);
    expect(deleted.json).toEqual({ id: first.id, deleted: true });
    const again = await create({ alias: first.alias });
    expect(again.id).not.toBe(first.id);
  });

  it('stores a template just under the size bound: the bound fits a DynamoDB item', async () => {
    const html = 'x'.repeat(389 * 1024);
    const response = await api('POST', '/v1/templates', { name: 'Big', html });
    expect(response.status).toBe(201);
    const stored = await api('GET', `/v1/templates/${String(response.json.id)}`);
    expect(stored.json.html).toBe(html);
  });

  it('answers 409 already_exists for an alias the project already uses', async () => {
    const first = await create();
    const response = await api('POST', '/v1/templates', welcome({ alias: first.alias }));
    expect(response.status).toBe(409);
    expect(response.json).toMatchObject({
      error_code: 'already_exists',
      message: `A template with the alias ${first.alias} already exists in this project.`,
    });
  });

  it('refuses at save time a body that uses an undeclared variable, naming it', async () => {
    const response = await api('POST', '/v1/templates', welcome({ html: '<p>{{first_name}}</p>' }));
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({
      error_code: 'validation_error',
      message: 'html uses first_name, which is not declared in variables.',
      errors: [{ path: 'html', message: 'html uses first_name, which is not declared in variables.' }],
    });
  });

  it('re-checks on update: removing a declaration the body still uses is refused', async () => {
    const template = await create();
    const response = await api('PATCH', `/v1/templates/${template.id}`, {
      variables: [{ key: 'name', type: 'string' }],
    });
    expect(response.status).toBe(400);
    expect(
      (response.json.errors as { path: string; message: string }[]).map((error) => error.message),
    ).toContain('html uses count, which is not declared in variables.');
    expect((await api('GET', `/v1/templates/${template.id}`)).json.variables).toHaveLength(4);
  });

  it.each([
    ['an alias shaped like an id', { alias: 'tpl_0000000000000000000000' }, 'alias'],
    ['unescaped output in html', { html: '<p>{{{name}}}</p>' }, 'html'],
    ['neither html nor text', { html: null, text: null }, 'html'],
    ['more than 390 KB in all', { html: 'x'.repeat(300 * 1024), text: 'x'.repeat(100 * 1024) }, ''],
  ])('answers 400 for %s', async (_case, overrides, path) => {
    const response = await api('POST', '/v1/templates', welcome(overrides));
    expect(response.status).toBe(400);
    expect((response.json.errors as { path: string }[]).map((error) => error.path)).toContain(path);
  });
});

describe('POST /v1/emails with a template', () => {
  it('renders the template for a sending_only key, escaping html and not subject or text', async () => {
    const template = await create();
    const marker = unique();
    const response = await api(
      'POST',
      '/v1/emails',
      {
        to: 'someone@example.com',
        template: { id: template.id, variables: { name: '<Ada & "Bob">', count: 2, marker } },
      },
      sendingKey,
    );
    expect(response.status).toBe(200);
    const email = await delivered(marker);
    // The From header as the MIME builder writes it (display names quoted).
    expect(email?.from).toBe('"Team" <team@example.com>');
    expect(email?.subject).toBe(`Welcome, <Ada & "Bob"> [${marker}]`);
    expect(email?.body.html).toBe('<p>Hi &lt;Ada &amp; &quot;Bob&quot;&gt;, you have 2 new messages.</p>');
    expect(email?.body.text).toBe('Hi <Ada & "Bob">, you have 2 new messages.');
    const stored = await api('GET', `/v1/emails/${String(response.json.id)}`);
    expect(stored.json).toMatchObject({ subject: `Welcome, <Ada & "Bob"> [${marker}]` });
    // The local SES's Delivery event may already have moved it on.
    expect(['sent', 'delivered']).toContain(stored.json.status);
  });

  it('sends by alias, with fallbacks for what is not given, and explicit fields winning', async () => {
    const template = await create();
    const marker = unique();
    const response = await api('POST', '/v1/emails', {
      from: 'Me <me@example.com>',
      to: 'someone@example.com',
      subject: `Mine ${marker}`,
      template: { id: template.alias, variables: { count: 1, vip: true } },
    });
    expect(response.status).toBe(200);
    const email = await delivered(marker);
    expect(email?.from).toBe('"Me" <me@example.com>');
    expect(email?.subject).toBe(`Mine ${marker}`);
    expect(email?.body.html).toBe('<p>Hi friend, you have 1 new messages. VIP</p>');
  });

  it('answers 422 missing_variable naming the variable, and sends nothing', async () => {
    const template = await create();
    const marker = unique();
    const response = await api('POST', '/v1/emails', {
      to: 'someone@example.com',
      template: { id: template.id, variables: { marker } },
    });
    expect(response.status).toBe(422);
    expect(response.json).toMatchObject({
      error_code: 'missing_variable',
      errors: [
        {
          path: 'template.variables.count',
          message: 'template.variables.count is required: the template uses it and declares no fallback.',
        },
      ],
    });
    expect(
      (await sentEmails(stack.aws.sesEndpoint)).filter((email) => email.subject.includes(marker)),
    ).toEqual([]);
  });

  it('answers 400 for a variable of the wrong type', async () => {
    const template = await create();
    const response = await api('POST', '/v1/emails', {
      to: 'someone@example.com',
      template: { id: template.id, variables: { count: 'two', marker: 'x' } },
    });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({
      error_code: 'validation_error',
      errors: [
        {
          path: 'template.variables.count',
          message: 'template.variables.count must be a number, as the template declares.',
        },
      ],
    });
  });

  it("answers 404 for another project's template, by id and by alias, exactly as for a missing one", async () => {
    const otherKey = (await stack.putKey({ projectId: OTHER_PROJECT })).key.key;
    const theirs = await create({}, otherKey);
    const answers = await Promise.all(
      [theirs.id, theirs.alias, 'tpl_0000000000000000000000', 'no-such-alias'].map((id) =>
        api('POST', '/v1/emails', {
          to: 'someone@example.com',
          template: { id, variables: { count: 1, marker: 'x' } },
        }),
      ),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(404);
      expect(answer.json).toMatchObject({ error_code: 'not_found', message: 'Template not found.' });
    }
  });

  it('hashes the template variables into the Idempotency-Key check', async () => {
    const template = await create();
    const headers = { 'Idempotency-Key': `tpl-${unique()}` };
    const body = (count: number) => ({
      to: 'someone@example.com',
      template: { id: template.id, variables: { count, marker: unique() } },
    });
    const first = await api('POST', '/v1/emails', body(1), key, headers);
    const second = await api('POST', '/v1/emails', body(2), key, headers);
    expect(first.status).toBe(200);
    expect(second.status).toBe(409);
    expect(second.json.error_code).toBe('idempotency_conflict');
  });
});

describe('Idempotency-Key on POST /v1/templates', () => {
  it('answers a retried create with the same template and creates one', async () => {
    const name = `Idempotent ${unique()}`;
    const headers = { 'Idempotency-Key': `tpl-${unique()}` };
    const body = { name, subject: 'Hi', text: 'Hello' };
    const first = await api('POST', '/v1/templates', body, key, headers);
    const retry = await api('POST', '/v1/templates', body, key, headers);
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.json).toEqual(first.json);
    const other = await api('POST', '/v1/templates', { ...body, text: 'Changed' }, key, headers);
    expect(other.status).toBe(409);
    expect(other.json.error_code).toBe('idempotency_conflict');
    const listed = await api('GET', '/v1/templates?limit=100');
    const named = (listed.json.data as { name: string }[]).filter((template) => template.name === name);
    expect(named).toHaveLength(1);
  });
});
