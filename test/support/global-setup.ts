/**
 * Starts the real stand-ins once for the whole run: DynamoDB Local (in memory) and the local SES,
 * each on a free port so a running `npm start` is never disturbed. Test files create their own
 * uniquely named tables, so no test depends on another's data or order. One temporary folder holds
 * the run's files (the CDK tests' cloud assemblies) and goes at teardown, so runs leave nothing behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal, startSesLocal } from '../../local/services.js';
import { freePort } from './ports.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    sesEndpoint: string;
    /** A folder for this run's temporary files (CDK cloud assemblies), removed at teardown. */
    testTempDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [dynamo, ses] = await Promise.all([
    freePort().then((port) => startDynamoDbLocal({ port })),
    freePort().then((port) => startSesLocal({ port })),
  ]);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('sesEndpoint', ses.endpoint);
  const testTempDir = mkdtempSync(join(tmpdir(), 'scopegate-test-'));
  project.provide('testTempDir', testTempDir);
  return async () => {
    rmSync(testTempDir, { recursive: true, force: true });
    await Promise.all([dynamo.stop(), ses.stop()]);
  };
}
