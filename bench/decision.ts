/**
 * The authorizer's decision in process, with the key lookup in memory: the whole handler, its pure
 * core (verifyKey + toAuthorizerResult), and the floor every decision pays (parse + hash compare).
 * Blocks of each are interleaved so that noise from other work on the machine hits them equally.
 */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { type AuthorizerLog, createAuthorizer } from '../lambdas/authorizer/authorizer.js';
import { toAuthorizerResult, UnauthorizedError } from '../lambdas/authorizer/policy.js';
import { generateApiKey, keyHashMatches, parseApiKey } from '../lambdas/keys/api-key.js';
import { findRoute } from '../lambdas/api/routes.js';
import { verifyKey } from '../lambdas/keys/verify-key.js';
import { authorizerEvent } from '../test/support/events.js';
import { bearer, type TestKey, testKey } from '../test/support/keys.js';
import { elapsedNs, type Latency, round, summarise } from './stats.js';

export interface OpsSummary {
  readonly iterations: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly meanUs: number;
  readonly opsPerSec: number;
}

export interface DecisionResults {
  /** The whole createAuthorizer handler: header lookup, route, verifyKey, log call, policy. */
  readonly decision: OpsSummary & { readonly what: string };
  /** parseApiKey + keyHashMatches on the same key. */
  readonly floor: OpsSummary & { readonly what: string };
  /** decision p50 / floor p50. */
  readonly ratio: number;
  /** The core alone (context), and the handler for a key with a 10-entry IP allow-list (a target). */
  readonly variants: {
    readonly verifyAndPolicy: OpsSummary;
    readonly handlerWithIpAllowList: OpsSummary;
    /** The old secret of a rotated key, in its grace: two hash comparisons. */
    readonly handlerWithRotatedKey: OpsSummary;
  };
}

export interface MalformedResults {
  readonly keys: number;
  readonly decisions: number;
  readonly getKeyItemCalls: number;
  readonly rejectedAsUnauthorized: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly kinds: Readonly<Record<string, { readonly keys: number; readonly p50Us: number }>>;
}

const NOW = new Date();
/** Ten entries, IPv4 and IPv6, the caller's (203.0.113.10) matched by the last: the worst case of a match. */
export const ALLOW_LIST_OF_TEN = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '198.51.100.7',
  '2001:db8::/32',
  '2001:db8:1::/48',
  '100.64.0.0/10',
  '192.0.2.0/24',
  'fd00::/8',
  '203.0.113.0/24',
].join(', ');
const noop = (): void => undefined;
const SILENT_LOG: AuthorizerLog = { info: noop, warn: noop, error: noop };
const BLOCKS = 10;

type Operation = () => unknown;

export async function measureDecision(options: {
  iterations: number;
  warmup: number;
}): Promise<DecisionResults> {
  const plain = testKey();
  const restricted = testKey({ allowedIps: ALLOW_LIST_OF_TEN });
  const handler = authorizerFor(plain);
  const restrictedHandler = authorizerFor(restricted);
  // Rotated: the item holds a new secret's hash, and the old secret (presented) is in its grace, so
  // the decision compares two hashes.
  const replaced = testKey();
  const rotated: TestKey = {
    key: replaced.key,
    item: {
      ...replaced.item,
      keyHash: generateApiKey('live').keyHash,
      previousKeyHash: replaced.key.keyHash,
      previousKeyExpiresAt: new Date(NOW.getTime() + 86_400_000).toISOString(),
    },
  };
  const rotatedHandler = authorizerFor(rotated);
  const rotatedEvent = authorizerEvent({ authorization: bearer(rotated.key) });
  const event = authorizerEvent({ authorization: bearer(plain.key) });
  const restrictedEvent = authorizerEvent({ authorization: bearer(restricted.key) });
  const route = findRoute(event.httpMethod, event.resource);
  const getKeyItem = async () => plain.item;

  const operations: Record<
    'floor' | 'decision' | 'verifyAndPolicy' | 'withIpAllowList' | 'rotated',
    Operation
  > = {
    floor: () => {
      const parsed = parseApiKey(plain.key.key, 'live');
      return parsed !== undefined && keyHashMatches(plain.key.key, plain.key.keyHash);
    },
    decision: () => handler(event),
    verifyAndPolicy: async () => {
      const verification = await verifyKey(
        { authorization: bearer(plain.key), sourceIp: event.requestContext.identity.sourceIp, route },
        { environment: 'live', getKeyItem, now: () => NOW },
      );
      return toAuthorizerResult(verification, event.methodArn, { coverAllRoutes: false });
    },
    withIpAllowList: () => restrictedHandler(restrictedEvent),
    rotated: () => rotatedHandler(rotatedEvent),
  };

  await expectAllow(handler(event));
  await expectAllow(restrictedHandler(restrictedEvent));
  await expectAllow(rotatedHandler(rotatedEvent));
  await expectAllow(Promise.resolve(operations.verifyAndPolicy()) as Promise<APIGatewayAuthorizerResult>);
  if (operations.floor() !== true) throw new Error('floor: the key did not parse or its hash did not match');

  const names = Object.keys(operations) as (keyof typeof operations)[];
  for (const name of names) await repeat(operations[name], options.warmup, undefined, 0);

  const samples = Object.fromEntries(
    names.map((name) => [name, new Float64Array(options.iterations)]),
  ) as Record<keyof typeof operations, Float64Array>;
  const perBlock = Math.ceil(options.iterations / BLOCKS);
  for (let offset = 0; offset < options.iterations; offset += perBlock) {
    const count = Math.min(perBlock, options.iterations - offset);
    for (const name of names) await repeat(operations[name], count, samples[name], offset);
  }

  const floor = opsSummary(summarise(samples.floor));
  const decision = opsSummary(summarise(samples.decision));
  return {
    decision: {
      what: 'createAuthorizer handler, in-memory getKeyItem, no-op logger, full_access key',
      ...decision,
    },
    floor: { what: 'parseApiKey + keyHashMatches (SHA-256, timingSafeEqual) on the same key', ...floor },
    ratio: round(decision.p50Us / floor.p50Us),
    variants: {
      verifyAndPolicy: opsSummary(summarise(samples.verifyAndPolicy)),
      handlerWithIpAllowList: opsSummary(summarise(samples.withIpAllowList)),
      handlerWithRotatedKey: opsSummary(summarise(samples.rotated)),
    },
  };
}

/**
 * Keys refused on shape or checksum alone. Every one must be answered `Unauthorized` without a
 * single getKeyItem call (docs/architecture.md).
 */
export async function measureMalformed(options: {
  perKind: number;
  passes: number;
}): Promise<MalformedResults> {
  let getKeyItemCalls = 0;
  const handler = createAuthorizer({
    environment: 'live',
    getKeyItem: async () => {
      getKeyItemCalls++;
      return undefined;
    },
    log: SILENT_LOG,
    now: () => NOW,
  });
  const cases = malformedCases(options.perKind);
  const samples = new Float64Array(cases.length * options.passes);
  const byKind = new Map<string, number[]>();
  let rejected = 0;
  for (let pass = -1; pass < options.passes; pass++) {
    for (const [index, { kind, event }] of cases.entries()) {
      const start = process.hrtime.bigint();
      const outcome = await handler(event).then(
        () => 'allowed or denied',
        (error: unknown) => (error instanceof UnauthorizedError ? 'unauthorized' : error),
      );
      const ns = elapsedNs(start);
      if (outcome !== 'unauthorized')
        throw new Error(`malformed key (${kind}) was not refused as Unauthorized`);
      if (pass < 0) continue; // the first pass warms up
      rejected++;
      samples[pass * cases.length + index] = ns;
      const kindSamples = byKind.get(kind) ?? [];
      kindSamples.push(ns);
      byKind.set(kind, kindSamples);
    }
  }
  const all = summarise(samples);
  return {
    keys: cases.length,
    decisions: (options.passes + 1) * cases.length,
    getKeyItemCalls,
    rejectedAsUnauthorized: rejected,
    p50Us: round(all.p50Ns / 1000),
    p99Us: round(all.p99Ns / 1000),
    kinds: Object.fromEntries(
      [...byKind].map(([kind, values]) => [
        kind,
        {
          keys: values.length / options.passes,
          p50Us: round(summarise(Float64Array.from(values)).p50Ns / 1000),
        },
      ]),
    ),
  };
}

interface MalformedCase {
  readonly kind: string;
  readonly event: APIGatewayRequestAuthorizerEvent;
}

function malformedCases(perKind: number): MalformedCase[] {
  const mutations: Record<string, (key: string) => string> = {
    'bad checksum (last char)': (key) => replaceAt(key, key.length - 1),
    'bad checksum (secret char)': (key) => replaceAt(key, 'sk_live_'.length + 12 + 5),
    'too short': (key) => key.slice(0, -1),
    'too long': (key) => `${key}A`,
    'invalid character': (key) => `${key.slice(0, 25)}-${key.slice(26)}`,
    'wrong prefix': (key) => `pk${key.slice(2)}`,
    // A genuine sk_test_ key (valid checksum) presented to the live authorizer.
    'test key on live': () => testKey({}, 'test').key.key,
  };
  const cases: MalformedCase[] = [];
  for (const [kind, mutate] of Object.entries(mutations)) {
    for (let i = 0; i < perKind; i++) {
      const key = testKey().key.key;
      cases.push({ kind, event: authorizerEvent({ authorization: `Bearer ${mutate(key)}` }) });
    }
  }
  return cases;
}

/** Replaces one character with a different base62 character. */
function replaceAt(key: string, index: number): string {
  const replacement = key[index] === 'A' ? 'B' : 'A';
  return `${key.slice(0, index)}${replacement}${key.slice(index + 1)}`;
}

function authorizerFor(key: TestKey) {
  return createAuthorizer({
    environment: 'live',
    getKeyItem: async () => key.item,
    log: SILENT_LOG,
    now: () => NOW,
  });
}

async function expectAllow(result: Promise<APIGatewayAuthorizerResult>): Promise<void> {
  const { policyDocument } = await result;
  if (!policyDocument.Statement.every((statement) => statement.Effect === 'Allow')) {
    throw new Error('the benchmark key was not allowed; the decision benchmark would measure a deny');
  }
}

/** Runs `operation` `count` times, timing each call into `samples` from `offset` when given. */
async function repeat(
  operation: Operation,
  count: number,
  samples: Float64Array | undefined,
  offset: number,
) {
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    const result = operation();
    if (result instanceof Promise) await result;
    if (samples) samples[offset + i] = elapsedNs(start);
  }
}

function opsSummary(latency: Latency): OpsSummary {
  return {
    iterations: latency.samples,
    p50Us: round(latency.p50Ns / 1000),
    p99Us: round(latency.p99Ns / 1000),
    meanUs: round(latency.meanNs / 1000),
    opsPerSec: Math.round(1e9 / latency.meanNs),
  };
}
