/**
 * `npm run load`: requests per second and latency through the local gateway under load (autocannon),
 * at concurrency 1, 16 and 64, for an allowed request (GET /v1/projects: authorizer + the account
 * service + a Query) and a denied one (a revoked key: the authorizer's 403), next to the same gateway
 * and service answering without the authorizer (a stub that hands back the decision the real one
 * made, without reading DynamoDB or deciding). The ratio is the authorizer's cost on this machine.
 * Bounded: LOAD_SECONDS (default 4) per cell, 12 cells. Writes bench/load-results.json.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import autocannon from 'autocannon';
import { createProject } from '../lambdas/account/projects.js';
import { createTeam } from '../lambdas/account/teams.js';
import { type RunningGateway, startGateway } from '../local/gateway.js';
import { localHandlers, silentLog } from '../local/handlers.js';
import { localDocuments, sesClient } from '../local/services.js';
import { ensureTables } from '../local/tables.js';
import { testKey } from '../test/support/keys.js';
import { freePort } from '../test/support/ports.js';
import { JavaGuard } from './dynamo-local.js';
import { round } from './stats.js';

const SECONDS = Number(process.env.LOAD_SECONDS ?? 4);
const CONCURRENCY = [1, 16, 64] as const;
const TABLES = { apiKeys: 'ApiKeys', data: 'Data' } as const;
const TEAM = 'team_load';
const PROJECT = 'proj_load';
const resultsFile = fileURLToPath(new URL('./load-results.json', import.meta.url));

interface Cell {
  readonly requestsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly statuses: string;
}

async function main(): Promise<void> {
  const loadBefore = round(loadavg()[0] ?? 0);
  const guard = new JavaGuard();
  const local = await guard.start(await freePort());
  const gateways: RunningGateway[] = [];
  try {
    await ensureTables(local.client, TABLES);
    const documents = localDocuments(local.endpoint);
    await createTeam({ documents, dataTable: TABLES.data }, { id: TEAM, name: 'load' });
    await createProject({ documents, dataTable: TABLES.data }, { id: PROJECT, teamId: TEAM, name: 'load' });
    const allowed = testKey({ teamId: TEAM, projectId: PROJECT }, 'test');
    const revoked = testKey({ teamId: TEAM, projectId: PROJECT, revokedAt: '2025-01-01T00:00:00Z' }, 'test');
    for (const { item } of [allowed, revoked]) {
      await documents.send(new PutCommand({ TableName: TABLES.apiKeys, Item: item }));
    }
    const handlers = localHandlers({
      documents,
      ses: sesClient('http://127.0.0.1:9'),
      tables: TABLES,
      environment: 'test',
      log: silentLog,
    });
    const withAuthorizer = await startGateway(handlers, { host: '127.0.0.1', port: 0 });
    gateways.push(withAuthorizer);
    // The stub answers each key with the decision the real authorizer made for it once, before the run.
    const decisions = new Map<string, APIGatewayAuthorizerResult>();
    const stub = async (event: APIGatewayRequestAuthorizerEvent) => {
      const header = event.headers?.Authorization ?? event.headers?.authorization ?? '';
      let decision = decisions.get(header);
      if (!decision) {
        decision = await handlers.authorizer(event);
        decisions.set(header, decision);
      }
      return decision;
    };
    const withoutAuthorizer = await startGateway(
      { ...handlers, authorizer: stub },
      { host: '127.0.0.1', port: 0 },
    );
    gateways.push(withoutAuthorizer);

    const requests = {
      allowed: { key: allowed.key.key, status: '2xx' },
      denied: { key: revoked.key.key, status: '4xx' },
    } as const;
    const results: Record<string, Record<string, { with: Cell; without: Cell; ratio: number }>> = {};
    for (const [kind, request] of Object.entries(requests)) {
      results[kind] = {};
      for (const connections of CONCURRENCY) {
        const run = (gateway: RunningGateway) =>
          measure(`${gateway.url}/v1/projects`, request.key, connections, request.status);
        const withCell = await run(withAuthorizer);
        const withoutCell = await run(withoutAuthorizer);
        const ratio = round(withCell.requestsPerSec / withoutCell.requestsPerSec);
        results[kind][`c${connections}`] = { with: withCell, without: withoutCell, ratio };
        console.log(
          `${kind.padEnd(8)} c=${String(connections).padEnd(3)} with authorizer ${fmt(withCell)} | ` +
            `without ${fmt(withoutCell)} | req/s ratio ${ratio}×`,
        );
      }
    }
    const output = {
      measuredAt: new Date().toISOString(),
      node: process.version,
      loadAverage1m: { before: loadBefore, after: round(loadavg()[0] ?? 0) },
      secondsPerCell: SECONDS,
      what: 'GET /v1/projects through the local gateway; allowed = Allow + account service, denied = revoked key (403 from the authorizer); without = a stub authorizer replaying the real decision',
      results,
    };
    writeFileSync(resultsFile, `${JSON.stringify(output, null, 2)}\n`);
    console.log(`\nwrote ${resultsFile}`);
  } finally {
    for (const gateway of gateways) await gateway.close();
    local.client.destroy();
    await guard.stop();
  }
}

async function measure(
  url: string,
  key: string,
  connections: number,
  expected: '2xx' | '4xx',
): Promise<Cell> {
  const result = await autocannon({
    url,
    connections,
    duration: SECONDS,
    headers: { authorization: `Bearer ${key}` },
  });
  const unexpected = result.requests.total - result[expected];
  if (result.errors > 0 || unexpected > result.requests.total * 0.01) {
    throw new Error(`${url}: ${result.errors} errors, ${unexpected} answers that were not ${expected}`);
  }
  return {
    requestsPerSec: round(result.requests.average, 0),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    statuses: `${result[expected]} ${expected}`,
  };
}

function fmt(cell: Cell): string {
  return `${String(cell.requestsPerSec).padStart(6)} req/s p50 ${cell.p50Ms} ms p99 ${cell.p99Ms} ms`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
