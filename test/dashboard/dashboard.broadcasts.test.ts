/**
 * The dashboard's Broadcasts page end to end in headless Chromium, against the local stack with its
 * broadcast sender running over fauxqs into the run's local SES (as test/e2e/lambdas/broadcasts.test.ts
 * runs it): compose from a template, pick a list, preview with a real contact, send, follow the counts
 * to `sent`; schedule then cancel; delete a draft; and the read-only page of a key that may not write.
 */
import { randomBytes } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboard } from '../../dashboard/build.js';
import { horizontalOverflow, launchChromium, seriousAxeViolations } from '../support/browser.js';
import { call } from '../support/http-client.js';
import { testKey } from '../support/keys.js';
import { type BroadcastTestStack, startBroadcastTestStack } from '../support/broadcast-stack.js';
import { TEST_TEAM, type TestStack } from '../support/local-stack.js';

let stack: TestStack;
let broadcasting: BroadcastTestStack;
let browser: Browser;
let page: Page;
let project: { projectId: string; key: string; domain: string };
const consoleErrors: string[] = [];

beforeAll(async () => {
  [broadcasting, browser] = await Promise.all([
    startBroadcastTestStack({ dashboard: buildDashboard() }),
    launchChromium(),
  ]);
  stack = broadcasting.stack;
  project = await stack.freshProject();
  page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      consoleErrors.push(message.text());
    }
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  await page.goto(`${stack.url}/dashboard/`);
  await pasteKey(page, project.key);
});
afterAll(async () => {
  await browser?.close();
  await broadcasting?.close();
});

async function pasteKey(on: Page, key: string): Promise<void> {
  await on.getByLabel('Paste a full_access API key').fill(key);
  await on.getByRole('button', { name: 'Use this key' }).click();
  await on.getByRole('button', { name: 'Forget key' }).waitFor();
}

async function open(hash: string): Promise<void> {
  await page.goto(`${stack.url}/dashboard/${hash}`);
}

const api = async (method: string, path: string, body?: unknown) =>
  call(stack.url, { method, path, key: project.key, ...(body === undefined ? {} : { body }) });

/** A list of contacts made over the API; its id. */
async function listOf(name: string, contacts: readonly Record<string, unknown>[]): Promise<string> {
  const list = String((await api('POST', '/v1/lists', { name })).json.id);
  for (const contact of contacts) {
    const created = await api('POST', '/v1/contacts', contact);
    await api('PUT', `/v1/lists/${list}/contacts/${String(created.json.id)}`);
  }
  return list;
}

/** A draft made over the API (own content); its id. */
async function draft(name: string): Promise<string> {
  const list = await listOf(`${name} list`, [{ email: `${randomBytes(4).toString('hex')}@example.org` }]);
  const created = await api('POST', '/v1/broadcasts', {
    name,
    from: `news@${project.domain}`,
    subject: 'Hello',
    text: 'Hi {{contact.email}}',
    audience: { list_id: list },
  });
  expect(created.status).toBe(201);
  return String(created.json.id);
}

/** How long a polled assertion waits for the page to catch up, on a loaded two-core machine. */
const POLL = { timeout: 5000, interval: 25 };
const statusShown = () => page.getByTestId('broadcast-status').textContent();

describe('the broadcasts page', () => {
  it('composes from a template and a list, previews with a real contact, sends, and follows the counts to sent', async () => {
    // Arrange: a template using a variable and contact fields, and a list of two contacts.
    const tag = randomBytes(4).toString('hex');
    const template = await api('POST', '/v1/templates', {
      name: `Monthly ${tag}`,
      subject: 'News for {{contact.first_name}}',
      html: '<p>{{intro}}, {{contact.properties.plan}} member</p><a href="{{unsubscribe_url}}">Unsubscribe</a>',
      variables: [{ key: 'intro', type: 'string', fallback: 'Hello' }],
    });
    expect(template.status).toBe(201);
    await listOf(`Members ${tag}`, [
      { email: `ada-${tag}@example.org`, first_name: 'Ada', properties: { plan: 'pro' } },
      { email: `bob-${tag}@example.org`, first_name: 'Bob', properties: { plan: 'free' } },
    ]);

    // Act: compose.
    await open('#/broadcasts');
    await page.getByRole('link', { name: 'New broadcast' }).click();
    await page.getByLabel('Name', { exact: true }).fill(`December ${tag}`);
    await page.getByLabel('From', { exact: true }).fill(`news@${project.domain}`);
    await page.getByLabel('Template', { exact: true }).selectOption({ label: `Monthly ${tag}` });
    await page.getByLabel('intro (string)').fill('Welcome');
    await page.getByLabel('List', { exact: true }).selectOption({ label: `Members ${tag}` });
    await page.getByLabel('Preview as').selectOption({ label: `bob-${tag}@example.org` });

    // Assert: the preview is Bob's email as the sender renders it (html escaped, contact fields filled).
    await expect.poll(() => page.getByTestId('preview-subject').textContent(), POLL).toBe('News for Bob');
    const frame = page.frameLocator('iframe.html-preview');
    await expect.poll(() => frame.locator('p').textContent(), POLL).toBe('Welcome, free member');
    // The html escapes every value (the link's slashes too, as in the emails sent); a preview has no token.
    expect(await frame.locator('a').getAttribute('href')).toBe(`${stack.url}/u/preview`);
    await page.getByLabel('Preview as').selectOption({ label: `ada-${tag}@example.org` });
    await expect.poll(() => page.getByTestId('preview-subject').textContent(), POLL).toBe('News for Ada');

    // Act: save, then send.
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.waitForURL(/#\/broadcasts\/bc_/);
    const id = decodeURIComponent(page.url().split('/').pop() ?? '');
    expect(await statusShown()).toBe('draft');
    await page.getByTestId('preview-subject').waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 375, height: 800 });
    expect(await horizontalOverflow(page)).toBe(0);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('button', { name: 'Send now' }).click();
    await page.getByRole('button', { name: 'Send it to the audience now' }).click();

    // Assert: the open page follows the broadcast to sent by itself, counts included.
    await expect.poll(statusShown, { timeout: 60_000, interval: 100 }).toBe('sent');
    await expect.poll(() => page.getByTestId('count-sent').textContent(), POLL).toBe('2');
    expect(await page.getByTestId('count-recipients').textContent()).toBe('2');
    await page
      .getByTestId('recipients')
      .getByRole('link', { name: `ada-${tag}@example.org` })
      .waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    const emails = await api('GET', `/v1/emails?broadcast_id=${id}`);
    const subjects = (emails.json.data as { subject: string }[]).map((email) => email.subject).sort();
    expect(subjects).toEqual(['News for Ada', 'News for Bob']);
    const stored = await api('GET', `/v1/broadcasts/${id}`);
    expect(stored.json).toMatchObject({
      template: { id: template.json.id, variables: { intro: 'Welcome' } },
    });
    // Its status poll may take up to 60 s under a loaded machine: the test's own bound must exceed it.
  }, 90_000);

  it('schedules a draft, then cancels it', async () => {
    const id = await draft('Later');
    await open(`#/broadcasts/${id}`);
    await page.getByLabel('Send at').fill('in 2 hours');
    await page.getByRole('button', { name: 'Schedule' }).click();
    await expect.poll(statusShown, POLL).toBe('scheduled');
    await page.getByRole('button', { name: 'Cancel broadcast' }).click();
    await page.getByRole('button', { name: 'Stop it: no more emails' }).click();
    await expect.poll(statusShown, POLL).toBe('canceled');
    const stored = await api('GET', `/v1/broadcasts/${id}`);
    expect(stored.json).toMatchObject({ status: 'canceled', counts: { sent: 0 } });
    expect(await page.getByRole('button', { name: 'Cancel broadcast' }).count()).toBe(0);
  });

  it('shows a refused schedule as the API words it', async () => {
    const id = await draft('Too soon');
    await open(`#/broadcasts/${id}`);
    await page.getByLabel('Send at').fill('in 10 seconds');
    await page.getByRole('button', { name: 'Schedule' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByTestId('error-code').textContent()).toBe('validation_error');
    expect(await statusShown()).toBe('draft');
  });

  it('deletes a draft after a confirmation', async () => {
    const id = await draft('Unwanted');
    await open(`#/broadcasts/${id}`);
    await page.getByRole('button', { name: 'Delete draft' }).click();
    await page.getByRole('button', { name: 'Delete Unwanted' }).click();
    await page.waitForURL(/#\/broadcasts$/);
    expect((await api('GET', `/v1/broadcasts/${id}`)).status).toBe(404);
  });

  it('is read-only for a key without broadcasts:write', async () => {
    const id = await draft('Read only');
    const reader = testKey(
      {
        teamId: TEST_TEAM,
        projectId: project.projectId,
        permission: 'custom',
        scopes: new Set(['projects:read', 'broadcasts:read']),
      },
      'test',
    );
    await stack.aws.documents.send(
      new PutCommand({ TableName: stack.aws.tables.apiKeys, Item: reader.item }),
    );
    const other = await browser.newPage();
    try {
      await other.goto(`${stack.url}/dashboard/`);
      await pasteKey(other, reader.key.key);
      await other.goto(`${stack.url}/dashboard/#/broadcasts`);
      await other.getByRole('link', { name: 'Read only' }).click();
      await other.getByRole('heading', { name: 'Read only' }).waitFor();
      expect(decodeURIComponent(other.url())).toContain(id);
      await other.getByTestId('broadcast-counts').waitFor();
      expect(await other.getByRole('button').allTextContents()).toEqual(['Forget key']);
      expect(await other.getByRole('textbox').count()).toBe(0);
      await other.goto(`${stack.url}/dashboard/#/broadcasts`);
      await other.getByRole('heading', { name: 'Broadcasts' }).waitFor();
      expect(await other.getByRole('link', { name: 'New broadcast' }).count()).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('logged no console error, CSP violations included', () => {
    expect(consoleErrors).toEqual([]);
  });
});
