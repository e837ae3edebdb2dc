/**
 * The dashboard end to end in headless Chromium, served by the local gateway exactly as `npm start`
 * serves it (same origin as the API, under its CSP), against this file's own tables. One browser and
 * one page for the file; each test starts from the page it needs.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboard } from '../../dashboard/build.js';
import { DASHBOARD_CSP } from '../../lambdas/dashboard/static-site.js';
import { silentLog } from '../../local/handlers.js';
import {
  type LocalQueue,
  startLocalQueue,
  webhookPipeline,
  type WebhookPipeline,
} from '../../local/webhook-pipeline.js';
import { horizontalOverflow, launchChromium, seriousAxeViolations } from '../support/browser.js';
import { call } from '../support/http-client.js';
import { startTestStack, type TestStack } from '../support/local-stack.js';
import { type Receiver, startReceiver } from '../support/webhook-receiver.js';

let stack: TestStack;
let queue: LocalQueue;
let pipeline: WebhookPipeline;
let receiver: Receiver;
let browser: Browser;
let page: Page;
let project: { projectId: string; key: string; domain: string };
/**
 * Console errors and uncaught exceptions (CSP violations included): none are expected. A refused API
 * call ("Failed to load resource") is not one: the tests cause some on purpose and the banner shows them.
 */
const consoleErrors: string[] = [];

beforeAll(async () => {
  const started = new Date(Date.now() - 1000);
  [stack, browser, receiver] = await Promise.all([
    startTestStack({ dashboard: buildDashboard() }),
    launchChromium(),
    startReceiver(),
  ]);
  queue = await startLocalQueue({ port: 0 });
  pipeline = webhookPipeline({
    documents: stack.aws.documents,
    dataTable: stack.aws.tables.data,
    queue: { sqs: queue.sqs, queueUrl: queue.queueUrl, timeScale: Number.POSITIVE_INFINITY },
    now: () => new Date(),
    since: started,
    log: silentLog,
  });
  project = await stack.freshProject();
  page = await browser.newPage();
  // A missing element fails its own step with its locator, well inside the test's timeout.
  page.setDefaultTimeout(10_000);
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      consoleErrors.push(message.text());
    }
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  await page.goto(`${stack.url}/dashboard/`);
  await pasteKey(project.key);
});
afterAll(async () => {
  await browser?.close();
  await receiver?.close();
  await queue?.stop();
  await stack?.close();
});

async function pasteKey(key: string): Promise<void> {
  await page.getByLabel('Paste a full_access API key').fill(key);
  await page.getByRole('button', { name: 'Use this key' }).click();
  await page.getByRole('button', { name: 'Forget key' }).waitFor();
}

async function switchKey(key: string): Promise<void> {
  await page.getByRole('button', { name: 'Forget key' }).click();
  await pasteKey(key);
}

async function open(hash: string): Promise<void> {
  await page.goto(`${stack.url}/dashboard/${hash}`);
}

/** How long a polled assertion waits for the page to catch up, on a loaded two-core machine. */
const POLL = { timeout: 5000, interval: 25 };

describe('serving', () => {
  it('serves the page without a key, under a CSP that allows only its own origin', async () => {
    const response = await call(stack.url, { path: '/dashboard/' });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect((await call(stack.url, { path: '/dashboard/app.js' })).status).toBe(200);
    expect((await call(stack.url, { path: '/dashboard/../v1/emails' })).status).not.toBe(200);
    expect((await call(stack.url, { path: '/dashboard/nothing.js' })).status).toBe(404);
    const redirect = await call(stack.url, { path: '/dashboard' });
    expect([redirect.status, redirect.headers.location]).toEqual([301, 'dashboard/']);
  });
});

describe('the key', () => {
  it('is kept in sessionStorage only, shows its prefix and team, and is forgotten on request', async () => {
    await open('#/overview');
    await expect(page.getByTestId('key-owner').textContent()).resolves.toContain(project.key.slice(0, 20));
    await expect(page.getByTestId('key-owner').textContent()).resolves.toContain('team_e2e');
    await expect(page.getByTestId('key-owner').textContent()).resolves.toContain(project.projectId);
    const storage = await page.evaluate(
      '({ session: Object.values(sessionStorage), local: Object.keys(localStorage).length })',
    );
    expect(storage).toEqual({ session: [project.key], local: 0 });
    expect(page.url()).not.toContain(project.key);

    await page.getByRole('button', { name: 'Forget key' }).click();
    await page.getByLabel('Paste a full_access API key').waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await pasteKey(project.key);
  });

  it('shows the API’s refusal of a key verbatim and keeps nothing', async () => {
    const revoked = (await stack.putKey({ revokedAt: new Date().toISOString() })).key.key;
    const other = await browser.newPage();
    try {
      await other.goto(`${stack.url}/dashboard/`);
      await other.getByLabel('Paste a full_access API key').fill(revoked);
      await other.getByRole('button', { name: 'Use this key' }).click();
      const banner = other.getByRole('alert');
      await banner.waitFor();
      expect(await banner.textContent()).toContain('This API key has been revoked.');
      expect(await other.getByTestId('error-code').textContent()).toBe('key_revoked');
      expect(await other.evaluate('sessionStorage.length')).toBe(0);
    } finally {
      await other.close();
    }
  });
});

describe('domains', () => {
  it('adds a domain, shows its records and verifies it', async () => {
    await open('#/domains');
    await page.getByLabel('Domain name').fill('mail.dashboard-test.org');
    await page.getByRole('button', { name: 'Add domain' }).click();
    await page.getByRole('heading', { name: 'mail.dashboard-test.org' }).waitFor();
    expect(await page.locator('table.records tbody tr').count()).toBeGreaterThanOrEqual(5);
    expect(await page.locator('.status').first().textContent()).toBe('pending');
    await page.getByRole('button', { name: 'Verify now' }).click();
    await page.locator('p .status', { hasText: 'verified' }).waitFor();
  });

  it('shows tracking off by default and turns open tracking on with a PATCH of that setting alone', async () => {
    await open('#/domains');
    await page.getByLabel('Domain name').fill('track.dashboard-test.org');
    await page.getByRole('button', { name: 'Add domain' }).click();
    await page.getByRole('heading', { name: 'track.dashboard-test.org' }).waitFor();
    const openTracking = page.getByRole('checkbox', { name: 'Open tracking' });
    expect(await openTracking.isChecked()).toBe(false);
    expect(await page.getByRole('checkbox', { name: 'Click tracking' }).isChecked()).toBe(false);
    const patch = page.waitForRequest((request) => request.method() === 'PATCH');
    await openTracking.check();
    expect((await patch).postDataJSON()).toEqual({ open_tracking: true });
    const id = decodeURIComponent(page.url().split('/').pop() ?? '');
    await expect
      .poll(async () => (await call(stack.url, { path: `/v1/domains/${id}`, key: project.key })).json, POLL)
      .toMatchObject({ open_tracking: true, click_tracking: false });
  });

  it('shows a refused add as the API words it', async () => {
    await open('#/domains');
    await page.getByLabel('Domain name').fill('not a domain');
    await page.getByRole('button', { name: 'Add domain' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByTestId('error-code').textContent()).toBe('validation_error');
  });
});

describe('templates', () => {
  it('previews with the server’s rules as the template is typed, and saves it', async () => {
    await open('#/templates/new');
    await page.getByLabel('Name').fill('Welcome');
    await page.getByLabel('Subject').fill('Hi {{name}}');
    await page.getByLabel('HTML').fill('<p>Hello {{name}}</p>');
    // Undeclared: the server would refuse to save it, and the preview says so in the server's words.
    await expect(page.getByTestId('preview-problems').textContent()).resolves.toContain(
      'subject uses name, which is not declared in variables.',
    );
    await page.getByRole('button', { name: 'Add variable' }).click();
    await page.getByLabel('Key', { exact: true }).fill('name');
    await page.getByLabel('Fallback').fill('friend');
    // Polled: Preact renders after the input event, and the iframe loads a new srcdoc asynchronously.
    await expect.poll(() => page.getByTestId('preview-subject').textContent(), POLL).toBe('Hi friend');
    await page.locator('[data-variable="name"]').fill('<Ada>');
    await expect.poll(() => page.getByTestId('preview-subject').textContent(), POLL).toBe('Hi <Ada>');
    // html escapes the value, exactly as a send would.
    await expect
      .poll(() => page.locator('iframe.html-preview').getAttribute('srcdoc'), POLL)
      .toBe('<p>Hello &lt;Ada&gt;</p>');
    await expect
      .poll(() => page.frameLocator('iframe.html-preview').locator('p').textContent(), POLL)
      .toBe('Hello <Ada>');

    await page.getByRole('button', { name: 'Create template' }).click();
    await page.waitForURL(/#\/templates\/tpl_/);
    const id = decodeURIComponent(page.url().split('/').pop() ?? '');
    const stored = await call(stack.url, { path: `/v1/templates/${id}`, key: project.key });
    expect(stored.json).toMatchObject({
      name: 'Welcome',
      subject: 'Hi {{name}}',
      html: '<p>Hello {{name}}</p>',
      variables: [{ key: 'name', type: 'string', fallback: 'friend' }],
    });
  });
});

describe('webhooks', () => {
  it('registers a webhook, shows its secret once, and lists the delivery of a test event', async () => {
    await open('#/webhooks');
    await page.getByLabel('Endpoint URL').fill(receiver.url);
    await page.getByRole('checkbox', { name: 'email.sent', exact: true }).check();
    await page.getByRole('checkbox', { name: 'domain: all' }).check();
    await page.getByRole('button', { name: 'Register webhook' }).click();
    const secret = await page.getByTestId('secret').textContent();
    expect(secret).toMatch(/^whsec_/);
    expect(await page.locator('.secret-once').textContent()).toContain("you won't see it again");
    await page.getByRole('button', { name: 'I have stored it' }).click();
    expect(await page.getByTestId('secret').count()).toBe(0);

    await page.getByRole('link', { name: receiver.url }).click();
    await page.getByText('Events: email.sent, domain.verified, domain.failed').waitFor();
    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.getByText(/Test event evt_/).waitFor();
    await pipeline.drain();
    await page.getByRole('button', { name: 'Refresh' }).click();
    const row = page.getByTestId('deliveries').locator('tbody tr', { hasText: 'webhook.test' });
    await row.waitFor();
    expect(await row.textContent()).toContain('succeeded');
    expect(await row.textContent()).toContain('200');
    expect(receiver.received.some((delivery) => delivery.body.includes('webhook.test'))).toBe(true);
  });
});

describe('emails', () => {
  it('lists sent emails and shows one with its event timeline', async () => {
    const sent = await call(stack.url, {
      method: 'POST',
      path: '/v1/emails',
      key: project.key,
      body: {
        from: `you@${project.domain}`,
        to: 'friend@example.org',
        subject: 'Dashboard hello',
        text: 'hi',
      },
    });
    expect(sent.status).toBe(200);
    await open('#/emails');
    await page.getByRole('link', { name: 'Dashboard hello' }).click();
    await page.getByRole('heading', { name: 'Dashboard hello' }).waitFor();
    // SES's events arrive after the send answers (asynchronously, as deployed): refresh until shown.
    const deadline = Date.now() + 10_000;
    const timeline = page.getByTestId('timeline');
    while (!(await timeline.textContent())?.includes('email.sent') && Date.now() < deadline) {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.waitForResponse((response) => response.url().includes('/events'));
    }
    expect(await timeline.textContent()).toContain('email.sent');
  });
});

describe('audiences', () => {
  it('adds a contact with a property, puts it in a list, and finds it through a segment built in the filter builder', async () => {
    await open('#/contacts');
    await page.getByLabel('Email', { exact: true }).fill('ada@audience-test.org');
    await page.getByLabel('First name').fill('Ada');
    await page.getByRole('button', { name: 'Add contact' }).click();
    await page.getByRole('heading', { name: 'ada@audience-test.org' }).waitFor();
    await page.getByRole('button', { name: 'Add property' }).click();
    await page.getByLabel('Property name').fill('plan');
    await page.getByLabel('Value', { exact: true }).fill('pro');
    await page.getByRole('button', { name: 'Save contact' }).click();
    const contactId = decodeURIComponent(page.url().split('/').pop() ?? '');
    await expect
      .poll(async () => (await call(stack.url, { path: `/v1/contacts/${contactId}`, key: project.key })).json)
      .toMatchObject({ first_name: 'Ada', properties: { plan: 'pro' } });

    await open('#/contacts');
    await page.getByLabel('Find by email').fill('ADA@audience-test.org');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'ada@audience-test.org' }).waitFor();

    await open('#/lists');
    await page.getByLabel('List name').fill('Beta testers');
    await page.getByRole('button', { name: 'Create list' }).click();
    await page.getByRole('heading', { name: 'Beta testers' }).waitFor();
    const listId = decodeURIComponent(page.url().split('/').pop() ?? '');
    await page.getByLabel('Contact email').fill('ada@audience-test.org');
    await page.getByRole('button', { name: 'Add to list' }).click();
    await page.getByText('1 contacts').waitFor();
    await page.getByRole('link', { name: 'ada@audience-test.org' }).waitFor();

    await open('#/segments/new');
    await page.getByLabel('Segment name').fill('Pro beta testers');
    // The ops offered follow the field: unsubscribed takes only eq and neq.
    await page.getByLabel('Field 1').selectOption('unsubscribed');
    expect(await page.getByLabel('Operator 1').locator('option').allTextContents()).toEqual(['eq', 'neq']);
    await page.getByLabel('Field 1').selectOption('list');
    await page.getByLabel('List 1').selectOption({ label: 'Beta testers' });
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Field 2').selectOption('property');
    await page.getByLabel('Property name 2').fill('plan');
    await page.getByLabel('Operator 2').selectOption('starts_with');
    // The server's own rule, shown as typed: starts_with needs a non-empty string.
    expect(await page.locator('#condition-2-problem').textContent()).toContain('must be a non-empty string');
    expect(await page.getByRole('button', { name: 'Create segment' }).isDisabled()).toBe(true);
    await page.getByLabel('Value 2').fill('pr');
    await page.getByRole('button', { name: 'Create segment' }).click();
    await page.waitForURL(/#\/segments\/seg_/);
    await page.getByTestId('segment-preview').getByRole('link', { name: 'ada@audience-test.org' }).waitFor();
    const segmentId = decodeURIComponent(page.url().split('/').pop() ?? '');
    const stored = await call(stack.url, { path: `/v1/segments/${segmentId}`, key: project.key });
    expect(stored.json).toMatchObject({
      filter: {
        match: 'all',
        conditions: [
          { field: 'list', op: 'eq', value: listId },
          { field: 'properties.plan', op: 'starts_with', value: 'pr' },
        ],
      },
    });

    // Matching any instead of all, with a condition nobody meets, still finds her.
    await page.getByLabel('Contacts match when').selectOption('any');
    await page.getByLabel('Operator 2').selectOption('eq');
    await page.getByLabel('Value 2').fill('enterprise');
    await page.getByRole('button', { name: 'Save segment' }).click();
    await expect
      .poll(async () => (await call(stack.url, { path: `/v1/segments/${segmentId}`, key: project.key })).json)
      .toMatchObject({ filter: { match: 'any' } });
    await page.getByTestId('segment-preview').getByRole('link', { name: 'ada@audience-test.org' }).waitFor();

    // Deleting the list asks once more.
    await open(`#/lists/${listId}`);
    await page.getByRole('button', { name: 'Delete list' }).click();
    await page.getByRole('button', { name: 'Delete Beta testers (its contacts stay)' }).click();
    await page.waitForURL(/#\/lists$/);
    expect((await call(stack.url, { path: `/v1/lists/${listId}`, key: project.key })).status).toBe(404);
  });
});

describe('keys', () => {
  // Keys are made in an existing project: the fixture project (its key here) rather than the fresh
  // one, which has a verified domain but no project record.
  let owner: string;
  beforeAll(async () => {
    owner = (await stack.putKey({ name: 'dashboard owner' })).key.key;
    await switchKey(owner);
  });
  afterAll(async () => {
    await switchKey(project.key);
  });

  it('creates a custom key with two scopes through the picker, and the key can call exactly those routes', async () => {
    await open('#/keys/new');
    await page.getByLabel('Key name').fill('read templates and domains');
    await page.getByRole('radio', { name: 'Custom' }).check();
    await page.getByRole('radio', { name: 'templates: Read' }).check();
    await page.getByRole('checkbox', { name: /^domains:read/ }).check();
    // Typed IPs are checked with the authorizer's own parser before anything is sent.
    await page.getByLabel('Allowed IPs').fill('127.0.0.1, 010.0.0.1');
    await page.getByText('Not an IPv4/IPv6 address or CIDR range: 010.0.0.1').waitFor();
    expect(await page.getByRole('button', { name: 'Create key' }).isDisabled()).toBe(true);
    await page.getByLabel('Allowed IPs').fill('127.0.0.1');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = (await page.getByTestId('secret').textContent()) ?? '';
    expect(secret).toMatch(/^sk_test_/);
    expect(await page.locator('.secret-once').textContent()).toContain("you won't see it again");
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await page.getByRole('heading', { name: 'read templates and domains' }).waitFor();
    expect(await page.getByTestId('secret').count()).toBe(0);

    const status = async (path: string) => (await call(stack.url, { path, key: secret })).status;
    expect(await status('/v1/templates')).toBe(200);
    expect(await status('/v1/domains')).toBe(200);
    expect(await status('/v1/emails')).toBe(403);
    expect(await status('/v1/webhooks')).toBe(403);
    const id = secret.slice('sk_test_'.length, 'sk_test_'.length + 12);
    const stored = await call(stack.url, { path: `/v1/api-keys/${id}`, key: owner });
    expect(stored.json).toMatchObject({
      permission: 'custom',
      scopes: expect.arrayContaining(['templates:read', 'domains:read']),
      allowed_ips: ['127.0.0.1'],
    });
    expect((stored.json as { scopes: string[] }).scopes).toHaveLength(2);
  });

  it('an IP-restricted key is refused from any other address', async () => {
    await open('#/keys/new');
    await page.getByLabel('Key name').fill('office only');
    await page.getByRole('radio', { name: 'Sending Only' }).check();
    await page.getByLabel('Allowed IPs').fill('203.0.113.0/24');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = (await page.getByTestId('secret').textContent()) ?? '';
    await page.getByRole('button', { name: 'I have stored it' }).click();
    const refused = await call(stack.url, { path: '/v1/emails', key: secret, method: 'POST', body: {} });
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject({ error_code: 'ip_not_allowed' });
  });

  it('rotates a key (the new secret shown once), then revokes it after a confirmation, and it stops working', async () => {
    const { key } = await stack.putKey({ name: 'to revoke' });
    await open(`#/keys/${key.keyId}`);
    await page.getByTestId('usage-totals').waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    // Rotation first: the new secret is shown once and works.
    await page.getByLabel('Old secret keeps working for (seconds)').fill('60');
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    const rotated = (await page.getByTestId('secret').textContent()) ?? '';
    expect(rotated).not.toBe(key.key);
    expect((await call(stack.url, { path: '/v1/projects', key: rotated })).status).toBe(200);
    await page.getByRole('button', { name: 'I have stored it' }).click();

    await page.getByRole('button', { name: 'Revoke key' }).click();
    await page.getByRole('button', { name: /^Revoke .* now$/ }).click();
    await page.locator('.status', { hasText: 'revoked' }).waitFor();
    const refused = await call(stack.url, { path: '/v1/projects', key: rotated });
    expect([refused.status, (refused.json as { error_code?: string }).error_code]).toEqual([
      403,
      'key_revoked',
    ]);
  });

  it('renaming a key sends only its name, so a hand-edited restriction stays as stored and enforced', async () => {
    // A key whose allowedIps a console edit set to NULL: denied from every address, shown as unreadable.
    const { key } = await stack.putKey({ name: 'hand edited', allowedIps: null, expiresAt: '' });
    await open(`#/keys/${key.keyId}`);
    expect(await page.getByTestId('key-malformed').textContent()).toMatch(/^allowed_ips, expires_at /);
    await page.getByLabel('Key name').fill('renamed');
    const patch = page.waitForRequest(
      (request) => request.method() === 'PATCH' && request.url().endsWith(`/v1/api-keys/${key.keyId}`),
    );
    await page.getByRole('button', { name: 'Save key' }).click();
    expect((await patch).postDataJSON()).toEqual({ name: 'renamed' });
    await page.getByRole('heading', { name: 'renamed' }).waitFor();
    const stored = await call(stack.url, { path: `/v1/api-keys/${key.keyId}`, key: owner });
    expect(stored.json).toMatchObject({ name: 'renamed', malformed: ['allowed_ips', 'expires_at'] });
    expect((await call(stack.url, { path: '/v1/projects', key: key.key })).status).toBe(403);
  });

  it('shows the API’s permission_escalation when a restricted key asks for a broader one', async () => {
    const restricted = (await stack.putKey({ allowedIps: '127.0.0.1' })).key.key;
    const other = await browser.newPage();
    try {
      await other.goto(`${stack.url}/dashboard/`);
      await other.getByLabel('Paste a full_access API key').fill(restricted);
      await other.getByRole('button', { name: 'Use this key' }).click();
      await other.getByRole('button', { name: 'Forget key' }).waitFor();
      await other.goto(`${stack.url}/dashboard/#/keys/new`);
      await other.getByLabel('Key name').fill('anywhere');
      await other.getByRole('radio', { name: 'Full Access' }).check();
      await other.getByRole('button', { name: 'Create key' }).click();
      await other.getByRole('alert').waitFor();
      expect(await other.getByTestId('error-code').textContent()).toBe('permission_escalation');
    } finally {
      await other.close();
    }
  });
});

describe('audit log', () => {
  it('lists a mutating call with its action, resource, key, status and request id', async () => {
    const created = await call(stack.url, {
      method: 'POST',
      path: '/v1/lists',
      key: project.key,
      body: { name: 'Audited' },
    });
    expect(created.status).toBe(201);
    const listId = (created.json as { id: string }).id;
    await open('#/audit-log');
    const row = page.getByTestId('audit-log').locator('tbody tr', { hasText: listId });
    await row.waitFor();
    const text = await row.textContent();
    expect(text).toContain('201');
    expect(text).toContain(project.key.slice('sk_test_'.length, 'sk_test_'.length + 12));
  });
});

describe('suppressions', () => {
  it('suppresses an address, finds it by email in any case, and removes it', async () => {
    await open('#/suppressions');
    await page.getByLabel('Email', { exact: true }).fill('Gone@Suppressed-Test.org');
    await page.getByRole('button', { name: 'Suppress' }).click();
    await page.getByRole('cell', { name: 'gone@suppressed-test.org', exact: true }).waitFor();
    const stored = await call(stack.url, {
      path: '/v1/suppressions?email=gone@suppressed-test.org',
      key: project.key,
    });
    expect(stored.json.data).toEqual([expect.objectContaining({ reason: 'manual' })]);

    await page.getByLabel('Find by email').fill('GONE@suppressed-test.org');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('button', { name: 'Show all' }).waitFor();
    await page.getByRole('cell', { name: 'gone@suppressed-test.org', exact: true }).waitFor();

    await page.getByRole('button', { name: 'Remove gone@suppressed-test.org' }).click();
    await page.getByText('is not suppressed.').waitFor();
    await expect
      .poll(
        async () =>
          (
            await call(stack.url, {
              path: '/v1/suppressions?email=gone@suppressed-test.org',
              key: project.key,
            })
          ).json.data,
      )
      .toEqual([]);
  });
});

const PAGES = [
  '#/overview',
  '#/domains',
  '#/templates',
  '#/templates/new',
  '#/webhooks',
  '#/emails',
  '#/contacts',
  '#/lists',
  '#/segments',
  '#/segments/new',
  '#/broadcasts',
  '#/broadcasts/new',
  '#/suppressions',
  '#/keys',
  '#/keys/new',
  '#/audit-log',
];

describe('every page', () => {
  it('has no serious or critical accessibility violation (axe-core)', async () => {
    const found: Record<string, unknown> = {};
    for (const hash of PAGES) {
      await open(hash);
      await page.locator('main h1').waitFor();
      const violations = await seriousAxeViolations(page);
      if (violations.length > 0) found[hash] = violations;
    }
    const paste = await browser.newPage();
    try {
      await paste.goto(`${stack.url}/dashboard/`);
      await paste.getByLabel('Paste a full_access API key').waitFor();
      const violations = await seriousAxeViolations(paste);
      if (violations.length > 0) found.paste = violations;
    } finally {
      await paste.close();
    }
    expect(found).toEqual({});
  });

  it('fits a 375 px wide screen without scrolling sideways', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    try {
      const overflow: Record<string, number> = {};
      for (const hash of PAGES) {
        await open(hash);
        await page.locator('main h1').waitFor();
        overflow[hash] = await horizontalOverflow(page);
      }
      expect(overflow).toEqual(Object.fromEntries(PAGES.map((hash) => [hash, 0])));
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it('logged no console error, CSP violations included', () => {
    expect(consoleErrors).toEqual([]);
  });
});
