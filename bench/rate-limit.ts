/**
 * What a per-key rate limit costs a request: the service frame (lambdas/http/frame.ts) with a trivial
 * handler, called with a key that has no limit (no DynamoDB call) and with one whose limit is never
 * reached (one conditional UpdateItem on its window), interleaved, against DynamoDB Local. The
 * difference is the added latency per request; DynamoDB itself answers in single-digit
 * milliseconds, so Local's figure is an upper bound of the shape, not of a deployed stack.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createServiceHandler, frameDependencies } from '../lambdas/http/frame.js';
import { localDocuments } from '../local/services.js';
import { ensureTables } from '../local/tables.js';
import { authContextFor, proxyEvent } from '../test/support/events.js';
import { trivialRoutes } from '../test/support/frame.js';
import { freePort } from '../test/support/ports.js';
import { JavaGuard, type MsSummary } from './dynamo-local.js';
import { elapsedNs, round, summarise } from './stats.js';

export interface RateLimitResults {
  readonly what: string;
  readonly warmup: number;
  readonly withoutLimit: MsSummary;
  readonly withLimit: MsSummary;
  /** withLimit − withoutLimit, at p50 and mean: what the limit adds to a request. */
  readonly addedP50Ms: number;
  readonly addedMeanMs: number;
  readonly ratioP50: number;
  /** The 1-minute load average when the run started: DynamoDB Local's latency follows it closely. */
  readonly loadBefore: number;
}

const TABLES = { apiKeys: 'ApiKeys', data: 'Data' } as const;

export async function measureRateLimit(options: {
  requests: number;
  warmup: number;
}): Promise<RateLimitResults> {
  const loadBefore = round(loadavg()[0] ?? 0);
  const guard = new JavaGuard();
  const local = await guard.start(await freePort());
  try {
    await ensureTables(local.client, TABLES);
    const documents = localDocuments(local.endpoint);
    const trivial = async () => ({ ok: true });
    // Every account route answers trivially: only the frame's own work is measured.
    const serve = createServiceHandler(
      'account',
      trivialRoutes('account', trivial),
      { error: (message) => console.error(message) },
      frameDependencies({ documents, dataTable: TABLES.data, now: () => new Date() }),
    );
    const eventFor = (rateLimitPerSecond: number | undefined) =>
      proxyEvent({
        method: 'GET',
        resource: '/v1/projects',
        authorizer: authContextFor({ projectId: 'proj_bench', rateLimitPerSecond }),
      });
    const unlimited = eventFor(undefined);
    // A limit no benchmark reaches: every request is admitted, each after its one window update.
    const limited = eventFor(1_000_000_000);
    const request = async (event: ReturnType<typeof eventFor>) => {
      const start = process.hrtime.bigint();
      const result = await serve(event);
      if (result.statusCode !== 200)
        throw new Error(`the frame answered ${result.statusCode}: ${result.body}`);
      return elapsedNs(start);
    };
    for (let i = 0; i < options.warmup; i++) {
      await request(unlimited);
      await request(limited);
    }
    const without = new Float64Array(options.requests);
    const withLimit = new Float64Array(options.requests);
    for (let i = 0; i < options.requests; i++) {
      without[i] = await request(unlimited);
      withLimit[i] = await request(limited);
    }
    const a = msSummary(summarise(without));
    const b = msSummary(summarise(withLimit));
    return {
      what: 'createServiceHandler (trivial handler): key without rateLimitPerSecond vs with one (one conditional UpdateItem → DynamoDB Local)',
      warmup: options.warmup,
      withoutLimit: a,
      withLimit: b,
      addedP50Ms: round(b.p50Ms - a.p50Ms, 3),
      addedMeanMs: round(b.meanMs - a.meanMs, 3),
      ratioP50: round(b.p50Ms / a.p50Ms, 1),
      loadBefore,
    };
  } finally {
    local.client.destroy();
    await guard.stop();
  }
}

export function printRateLimit(results: RateLimitResults, file: string): void {
  const row = (name: string, s: MsSummary) =>
    `${name.padEnd(22)}${String(s.p50Ms).padStart(10)}${String(s.p99Ms).padStart(10)}${String(s.meanMs).padStart(10)}`;
  console.log(`\nRate limit: ${results.what}`);
  console.log(`${''.padEnd(22)}${'p50 ms'.padStart(10)}${'p99 ms'.padStart(10)}${'mean ms'.padStart(10)}`);
  console.log(row('without a limit', results.withoutLimit));
  console.log(row('with a limit', results.withLimit));
  console.log(
    `added per request: p50 +${results.addedP50Ms} ms, mean +${results.addedMeanMs} ms (p50 ratio ${results.ratioP50}×; load average ${results.loadBefore})`,
  );
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`wrote ${file}`);
}

function msSummary(latency: ReturnType<typeof summarise>): MsSummary {
  return {
    requests: latency.samples,
    p50Ms: round(latency.p50Ns / 1e6, 3),
    p99Ms: round(latency.p99Ns / 1e6, 3),
    meanMs: round(latency.meanNs / 1e6, 3),
  };
}
