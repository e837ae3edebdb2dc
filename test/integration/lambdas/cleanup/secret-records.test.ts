/** The one-off clean-up of idempotency records older versions wrote with a secret in them. */
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { holdsSecret, removeSecretRecords } from '../../../../lambdas/cleanup/secret-records.js';
import { generateApiKey } from '../../../../lambdas/keys/api-key.js';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createTestAws, type TestAws } from '../../../support/local-aws.js';

let aws: TestAws;
beforeAll(async () => {
  aws = await createTestAws();
});

const liveKey = generateApiKey('live').key;
const webhookSecret = `whsec_${randomBytes(32).toString('base64')}`;
const gz = (value: unknown) => gzipSync(JSON.stringify(value));

/** Records as each version wrote them, in one project's partition. */
function legacyRecords(projectId: string) {
  const pk = `PROJECT#${projectId}`;
  return {
    // An old create of an API key: the whole answer, the secret included.
    apiKeyCreate: {
      pk,
      sk: 'IDEMPOTENCY#createApiKey#aaaa',
      status: 'completed',
      response: gz({ id: 'k', key: liveKey }),
    },
    webhookCreate: {
      pk,
      sk: 'IDEMPOTENCY#createWebhook#bbbb',
      status: 'completed',
      response: gz({ id: 'wh_1', signing_secret: webhookSecret }),
    },
    unreadable: {
      pk,
      sk: 'IDEMPOTENCY#createTemplate#cccc',
      status: 'completed',
      response: new Uint8Array([1, 2, 3]),
    },
    // Kept: answers without a secret, a send's claim (no stored answer), and anything not a record.
    template: {
      pk,
      sk: 'IDEMPOTENCY#createTemplate#dddd',
      status: 'completed',
      response: gz({ id: 'tpl_1' }),
    },
    newFormat: {
      pk,
      sk: 'IDEMPOTENCY#createApiKey#KEYKEYKEY123#eeee',
      status: 'completed',
      response: gz({ id: 'k' }),
    },
    send: { pk, sk: 'IDEMPOTENCY#ffff', status: 'completed', emailId: 'em_1' },
    other: { pk, sk: 'TEMPLATE#tpl_1', response: gz({ key: liveKey }) },
  };
}

async function put(items: Record<string, Record<string, unknown>>) {
  for (const Item of Object.values(items)) {
    await aws.documents.send(new PutCommand({ TableName: aws.tables.data, Item }));
  }
}

async function exists(item: { pk: unknown; sk: unknown }): Promise<boolean> {
  const { Item } = await aws.documents.send(
    new GetCommand({ TableName: aws.tables.data, Key: { pk: item.pk, sk: item.sk }, ConsistentRead: true }),
  );
  return Item !== undefined;
}

describe('removeSecretRecords', () => {
  it('deletes the stored answers that hold a key or webhook secret (or cannot be read), and nothing else; a second run finds nothing', async () => {
    const records = legacyRecords(`proj_cleanup_${Date.now()}`);
    await put(records);
    const store = { documents: aws.documents, dataTable: aws.tables.data };
    const options = { now: Date.now, deadline: Date.now() + 60_000, pageSize: 2 };

    const first = await removeSecretRecords(store, options);

    expect(first.complete).toBe(true);
    expect(first.deleted).toBe(3);
    for (const name of ['apiKeyCreate', 'webhookCreate', 'unreadable'] as const) {
      expect(await exists(records[name]), name).toBe(false);
    }
    for (const name of ['template', 'newFormat', 'send', 'other'] as const) {
      expect(await exists(records[name]), name).toBe(true);
    }
    expect((await removeSecretRecords(store, options)).deleted).toBe(0);
  });

  it('stops at its deadline between pages and says it did not finish', async () => {
    await put(legacyRecords(`proj_deadline_${Date.now()}`));
    let clock = 0;
    const summary = await removeSecretRecords(
      { documents: aws.documents, dataTable: aws.tables.data },
      // Each page read costs a "second"; the deadline allows two.
      { now: () => clock++, deadline: 2, pageSize: 1 },
    );
    expect(summary.complete).toBe(false);
    expect(summary.scanned).toBeLessThanOrEqual(2);
  });
});

describe('holdsSecret', () => {
  it.each([
    ['a gzipped answer with a key', gz({ key: liveKey }), true],
    ['a gzipped answer with a webhook secret', gz({ signing_secret: webhookSecret }), true],
    ['a gzipped answer without', gz({ id: 'tpl_1', prefix: 'sk_live_0VbnqK3m8a2J' }), false],
    ['bytes that are not gzip', new Uint8Array([0, 1]), true],
    ['text with a key', `{"key":"${liveKey}"}`, true],
    ['no answer', undefined, false],
  ])('%s', (_name, response, expected) => {
    expect(holdsSecret(response)).toBe(expected);
  });
});
