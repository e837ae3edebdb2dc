/**
 * The one idempotency engine (claim, replay, take-over, complete, unlock, release) on DynamoDB Local,
 * with a configuration of its own; and the item layout of the frame's and the email send's
 * configurations, which stays what it was (no migration).
 */
import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../../lambdas/api/errors.js';
import {
  claimKey,
  claimRoute,
  completeClaim,
  completeRoute,
  type IdempotencyConfig,
  type IdempotencyStore,
  idempotencyRecordKey,
  type KeyClaim,
  releaseClaim,
  unlockClaim,
} from '../../../../lambdas/http/idempotency.js';
import { claim as claimSend, complete as completeSend } from '../../../../lambdas/sending/idempotency.js';
import { createTestAws, type TestAws } from '../../../support/local-aws.js';

let aws: TestAws;
beforeAll(async () => {
  aws = await createTestAws();
});

/** A configuration of the engine's own: the holder in `heldBy`, the outcome a text. */
interface Answer {
  readonly text: string;
}
const ANSWERS: IdempotencyConfig<Answer> = {
  ownerAttribute: 'heldBy',
  stored: ({ text }) => ({ answer: text }),
  replayed: ({ answer }) => (typeof answer === 'string' ? { text: answer } : undefined),
};

/**
 * A store whose clock starts at the real time (DynamoDB Local deletes items once their `ttl` has
 * passed by the wall clock) and moves only when the test says so.
 */
function clockedStore(): { store: IdempotencyStore; advance: (seconds: number) => void } {
  let now = new Date();
  return {
    store: { documents: aws.documents, dataTable: aws.tables.data, now: () => now },
    advance: (seconds) => {
      now = new Date(now.getTime() + seconds * 1000);
    },
  };
}

/** One attempt at a fresh key: the same request by default; `owner` names the attempt. */
function attempt(key: string, overrides: Partial<KeyClaim> = {}): KeyClaim {
  return {
    projectId: 'proj_engine',
    scope: 'someRoute',
    keyId: 'AAAAAAAAAAAA',
    idempotencyKey: key,
    requestHash: 'hash-of-the-request',
    owner: randomUUID(),
    ...overrides,
  };
}

/** The error code and status an engine call was refused with. */
async function refusalOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ApiError) return `${error.status} ${error.code}`;
    throw error;
  }
  return 'not refused';
}

async function recordOf(claim: KeyClaim): Promise<Record<string, unknown> | undefined> {
  const { Item } = await aws.documents.send(
    new GetCommand({ TableName: aws.tables.data, Key: idempotencyRecordKey(claim), ConsistentRead: true }),
  );
  return Item;
}

describe('the idempotency engine', () => {
  it('claims a new key, and replays the completed outcome to the same request', async () => {
    const { store } = clockedStore();
    const key = randomUUID();
    const first = attempt(key);
    expect(await claimKey(store, ANSWERS, first)).toEqual({ claimed: true });
    await completeClaim(store, ANSWERS, first, { text: 'the first outcome' });

    const retry = await claimKey(store, ANSWERS, attempt(key));
    expect(retry).toEqual({ claimed: false, outcome: { text: 'the first outcome' } });
    // The replay changed nothing: the record is still the first attempt's.
    expect(await recordOf(first)).toMatchObject({ heldBy: first.owner, status: 'completed' });
  });

  it('answers 409 idempotency_conflict for the same key with another request, running or done', async () => {
    const { store } = clockedStore();
    const key = randomUUID();
    const first = attempt(key);
    await claimKey(store, ANSWERS, first);
    const other = attempt(key, { requestHash: 'hash-of-another-request' });
    expect(await refusalOf(claimKey(store, ANSWERS, other))).toBe('409 idempotency_conflict');
    await completeClaim(store, ANSWERS, first, { text: 'done' });
    expect(await refusalOf(claimKey(store, ANSWERS, other))).toBe('409 idempotency_conflict');
  });

  it('answers 409 idempotency_in_progress while the holder runs, to the last second of its lock', async () => {
    const { store, advance } = clockedStore();
    const key = randomUUID();
    await claimKey(store, ANSWERS, attempt(key));
    expect(await refusalOf(claimKey(store, ANSWERS, attempt(key)))).toBe('409 idempotency_in_progress');
    advance(60);
    expect(await refusalOf(claimKey(store, ANSWERS, attempt(key)))).toBe('409 idempotency_in_progress');
  });

  it('lets a retry take over a claim whose lock ran out (the holder crashed); the old holder then owns nothing', async () => {
    // Arrange: a claim never completed.
    const { store, advance } = clockedStore();
    const key = randomUUID();
    const crashed = attempt(key);
    await claimKey(store, ANSWERS, crashed);
    // Act
    advance(61);
    const retry = attempt(key);
    const claimed = await claimKey(store, ANSWERS, retry);
    // Assert: the retry holds it; the crashed attempt can neither complete nor give it back.
    expect(claimed).toEqual({ claimed: true });
    expect(await recordOf(retry)).toMatchObject({ heldBy: retry.owner, status: 'in_progress' });
    await expect(completeClaim(store, ANSWERS, crashed, { text: 'late' })).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
    });
    await releaseClaim(store, ANSWERS, crashed);
    expect(await recordOf(retry)).toMatchObject({ heldBy: retry.owner });
  });

  it('answers what `recover` finds instead of taking over a stale claim whose effect happened', async () => {
    const { store, advance } = clockedStore();
    const key = randomUUID();
    const earlier = attempt(key);
    await claimKey(store, ANSWERS, earlier);
    advance(61);
    const recover = vi.fn(async (owner: string) => ({ text: `done by ${owner}` }));

    const retry = await claimKey(store, ANSWERS, attempt(key), recover);

    expect(recover).toHaveBeenCalledWith(earlier.owner);
    expect(retry).toEqual({ claimed: false, outcome: { text: `done by ${earlier.owner}` } });
    // Completed for the earlier holder: later retries replay it without asking again.
    expect(await recordOf(earlier)).toMatchObject({ heldBy: earlier.owner, status: 'completed' });
    expect(await claimKey(store, ANSWERS, attempt(key), recover)).toEqual(retry);
    expect(recover).toHaveBeenCalledTimes(1);
  });

  it('takes over a stale claim when `recover` finds nothing', async () => {
    const { store, advance } = clockedStore();
    const key = randomUUID();
    await claimKey(store, ANSWERS, attempt(key));
    advance(61);
    expect(await claimKey(store, ANSWERS, attempt(key), async () => undefined)).toEqual({ claimed: true });
  });

  it('frees the key when its holder releases it after a failure, even for another request', async () => {
    const { store } = clockedStore();
    const key = randomUUID();
    const failed = attempt(key);
    await claimKey(store, ANSWERS, failed);
    await releaseClaim(store, ANSWERS, failed);
    expect(await recordOf(failed)).toBeUndefined();
    const fixed = attempt(key, { requestHash: 'hash-of-the-fixed-request' });
    expect(await claimKey(store, ANSWERS, fixed)).toEqual({ claimed: true });
  });

  it('leaves a claim alone when an attempt that does not hold it releases it', async () => {
    const { store } = clockedStore();
    const key = randomUUID();
    const holder = attempt(key);
    await claimKey(store, ANSWERS, holder);
    await releaseClaim(store, ANSWERS, attempt(key));
    expect(await recordOf(holder)).toMatchObject({ heldBy: holder.owner, status: 'in_progress' });
  });

  it('ends the lock at once on unlock but keeps the request: the same request takes over, another is a 409', async () => {
    const { store } = clockedStore();
    const key = randomUUID();
    const stopped = attempt(key);
    await claimKey(store, ANSWERS, stopped);
    await unlockClaim(store, ANSWERS, stopped);
    const other = attempt(key, { requestHash: 'hash-of-another-request' });
    expect(await refusalOf(claimKey(store, ANSWERS, other))).toBe('409 idempotency_conflict');
    expect(await claimKey(store, ANSWERS, attempt(key))).toEqual({ claimed: true });
  });

  it('claims a key anew once its record is older than 24 hours, whatever it holds', async () => {
    const { store, advance } = clockedStore();
    const key = randomUUID();
    const old = attempt(key);
    await claimKey(store, ANSWERS, old);
    await completeClaim(store, ANSWERS, old, { text: 'yesterday' });
    advance(24 * 60 * 60 + 1);
    const other = attempt(key, { requestHash: 'hash-of-another-request' });
    expect(await claimKey(store, ANSWERS, other)).toEqual({ claimed: true });
  });

  it.each([
    ['project', { projectId: 'proj_other' }],
    ['scope', { scope: 'anotherRoute' }],
    ['calling API key', { keyId: 'BBBBBBBBBBBB' }],
  ] as const)('keeps claims per %s', async (_what, other) => {
    const { store } = clockedStore();
    const key = randomUUID();
    await claimKey(store, ANSWERS, attempt(key));
    expect(await claimKey(store, ANSWERS, attempt(key, other))).toEqual({ claimed: true });
  });
});

describe('the item layout of the engine configurations (unchanged: no migration)', () => {
  it("keeps the frame's claim held by the request id and its answer gzipped", async () => {
    const { store } = clockedStore();
    const route = {
      projectId: 'proj_layout',
      routeId: 'createTemplate',
      keyId: 'AAAAAAAAAAAA',
      idempotencyKey: randomUUID(),
      requestHash: 'hash',
      owner: 'request-1',
    };
    await claimRoute(store, route);
    await completeRoute(store, route, 201, { id: 'tpl_1' });

    const record = await recordOf({ ...route, scope: 'createTemplate' });
    expect(Object.keys(record ?? {}).sort()).toEqual(
      ['claimedBy', 'pk', 'requestHash', 'response', 'responseStatus', 'sk', 'status', 'ttl'].sort(),
    );
    expect(record).toMatchObject({ claimedBy: 'request-1', status: 'completed', responseStatus: 201 });
    expect(record?.sk).toMatch(/^IDEMPOTENCY#createTemplate#AAAAAAAAAAAA#[0-9a-f]{64}$/);
    const response = record?.response;
    expect(response).toBeInstanceOf(Uint8Array);
    if (response instanceof Uint8Array) {
      expect(JSON.parse(gunzipSync(response).toString('utf8'))).toEqual({ id: 'tpl_1' });
    }
  });

  it("keeps a send's claim held by its email id, and a batch's emails' ids", async () => {
    const { store } = clockedStore();
    const batch = {
      projectId: 'proj_layout',
      keyId: 'AAAAAAAAAAAA',
      idempotencyKey: randomUUID(),
      requestHash: 'hash',
      emailId: 'batch_1',
    };
    await claimSend(store, batch, async () => false);
    await completeSend(store, batch, ['em_1', 'em_2']);

    const record = await recordOf({ ...batch, scope: 'emails', owner: batch.emailId });
    expect(Object.keys(record ?? {}).sort()).toEqual(
      ['emailId', 'emailIds', 'pk', 'requestHash', 'sk', 'status', 'ttl'].sort(),
    );
    expect(record).toMatchObject({ emailId: 'batch_1', status: 'completed', emailIds: ['em_1', 'em_2'] });
    expect(record?.sk).toMatch(/^IDEMPOTENCY#emails#AAAAAAAAAAAA#[0-9a-f]{64}$/);
    expect(await claimSend(store, { ...batch, emailId: 'batch_2' }, async () => false)).toEqual({
      claimed: false,
      emailId: 'batch_1',
      emailIds: ['em_1', 'em_2'],
    });
  });
});
