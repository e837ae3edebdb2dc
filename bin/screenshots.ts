/**
 * `npm run screenshots`: runs the local stack in a temporary data folder on free ports, fills it with
 * a domain, a template, a webhook, an email, contacts, a list, a segment, broadcasts and a custom key, and photographs the dashboard's main pages with
 * headless Chromium into docs/screenshots/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localStackOptions, startLocalStack } from '../local/stack.js';
import { launchChromium } from '../test/support/browser.js';

const OUT = new URL('../docs/screenshots/', import.meta.url);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

const dataDir = mkdtempSync(join(tmpdir(), 'scopegate-screenshots-'));
const stack = await startLocalStack({
  ...localStackOptions({}),
  apiPort: await freePort(),
  dynamoPort: await freePort(),
  sesPort: await freePort(),
  sqsPort: await freePort(),
  dataDir,
  quiet: true,
});
const browser = await launchChromium();
try {
  const key = stack.firstKey;
  if (!key) throw new Error('The fresh stack printed no key.');
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${stack.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { id: string };
  };
  const domain = await api('POST', '/v1/domains', { name: 'mail.example.org' });
  const template = await api('POST', '/v1/templates', {
    name: 'Welcome',
    alias: 'welcome',
    subject: 'Welcome, {{name}}',
    html: '<h1>Hi {{name}}</h1>\n<p>Your plan: {{plan}}.</p>',
    text: 'Hi {{name}}. Your plan: {{plan}}.',
    variables: [
      { key: 'name', type: 'string', fallback: 'friend' },
      { key: 'plan', type: 'string', fallback: 'free' },
    ],
  });
  const webhook = await api('POST', '/v1/webhooks', {
    url: 'https://example.com/hooks/scopegate',
    events: ['email.sent', 'email.delivered', 'email.bounced', 'domain.verified'],
    description: 'Production receiver',
  });
  const email = await api('POST', '/v1/emails', {
    from: 'Acme <you@example.com>',
    to: 'ada@example.org',
    template: { id: 'welcome', variables: { name: 'Ada', plan: 'pro' } },
  });
  const list = await api('POST', '/v1/lists', { name: 'Beta testers', description: 'Early access' });
  for (const [address, firstName, plan] of [
    ['ada@example.org', 'Ada', 'pro'],
    ['grace@example.org', 'Grace', 'pro'],
    ['alan@example.org', 'Alan', 'free'],
  ] as const) {
    const contact = await api('POST', '/v1/contacts', {
      email: address,
      first_name: firstName,
      properties: { plan },
    });
    if (plan === 'pro') await api('PUT', `/v1/lists/${list.id}/contacts/${contact.id}`);
  }
  const segment = await api('POST', '/v1/segments', {
    name: 'Pro beta testers',
    filter: {
      match: 'all',
      conditions: [
        { field: 'list', op: 'eq', value: list.id },
        { field: 'properties.plan', op: 'eq', value: 'pro' },
      ],
    },
  });
  const draft = await api('POST', '/v1/broadcasts', {
    name: 'December news',
    from: 'Acme <news@example.com>',
    subject: 'December at Acme, {{contact.first_name}}',
    template: { id: template.id, variables: { plan: 'pro' } },
    audience: { list_id: list.id },
  });
  const sent = await api('POST', '/v1/broadcasts', {
    name: 'November news',
    from: 'Acme <news@example.com>',
    subject: 'November at Acme',
    html: '<p>Hi {{contact.first_name}}</p><p><a href="{{unsubscribe_url}}">Unsubscribe</a></p>',
    audience: { segment_id: segment.id },
  });
  const ciKey = await api('POST', '/v1/api-keys', {
    name: 'CI deploys',
    permission: 'custom',
    scopes: ['templates:read', 'emails:send'],
    allowed_ips: ['127.0.0.1', '203.0.113.0/24'],
  });
  // A few requests with it, so its usage chart has bars.
  for (const path of ['/v1/templates', '/v1/templates', '/v1/domains']) {
    await fetch(`${stack.apiUrl}${path}`, {
      headers: { authorization: `Bearer ${(ciKey as { key?: string }).key ?? ''}` },
    });
  }

  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${stack.apiUrl}/dashboard/`);
  mkdirSync(OUT, { recursive: true });
  await page.screenshot({ path: new URL('paste-key.png', OUT).pathname });
  await page.getByLabel('Paste a full_access API key').fill(key);
  await page.getByRole('button', { name: 'Use this key' }).click();
  await page.getByRole('button', { name: 'Forget key' }).waitFor();
  const shots: [string, string][] = [
    ['domain.png', `#/domains/${domain.id}`],
    ['template-editor.png', `#/templates/${template.id}`],
    ['webhook.png', `#/webhooks/${webhook.id}`],
    ['emails.png', '#/emails'],
    ['email.png', `#/emails/${email.id}`],
    ['contacts.png', '#/contacts'],
    ['list.png', `#/lists/${list.id}`],
    ['segment.png', `#/segments/${segment.id}`],
    ['keys.png', '#/keys'],
    ['key-create.png', '#/keys/new'],
    ['key.png', `#/keys/${ciKey.id}`],
    ['audit-log.png', '#/audit-log'],
    ['broadcast-draft.png', `#/broadcasts/${draft.id}`],
    ['broadcast.png', `#/broadcasts/${sent.id}`],
  ];
  for (const [file, hash] of shots) {
    // Sent last: a broadcast sending while the other pages are photographed slows the local stack.
    if (file === 'broadcast.png') await api('POST', `/v1/broadcasts/${sent.id}/send`, {});
    await page.goto(`${stack.apiUrl}/dashboard/${hash}`);
    await page.locator('main h1').waitFor();
    await page.waitForLoadState('networkidle');
    // The preview is a sandboxed frame: wait until it has painted its body.
    if (file === 'template-editor.png') {
      await page.frameLocator('iframe.html-preview').locator('h1').waitFor();
    }
    if (file === 'segment.png') {
      await page.getByTestId('segment-preview').getByRole('link', { name: 'grace@example.org' }).waitFor();
    }
    if (file === 'broadcast-draft.png') {
      await page.frameLocator('iframe.html-preview').locator('h1').waitFor();
    }
    // The open page follows a sending broadcast by itself: wait until it shows it sent.
    if (file === 'broadcast.png') {
      await page.getByTestId('broadcast-status').getByText('sent').waitFor({ timeout: 60_000 });
      await page.getByTestId('recipients').getByRole('link', { name: 'grace@example.org' }).waitFor();
    }
    await page.screenshot({ path: new URL(file, OUT).pathname, fullPage: true });
    console.log(`docs/screenshots/${file}`);
  }
} finally {
  await browser.close();
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
