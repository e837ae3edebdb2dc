/**
 * `npm start` as a newcomer uses it: the real bin/local.ts in a child process (on free ports and a
 * temporary data directory), the printed curl run verbatim, then Ctrl-C, then a restart on the same data.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sentEmails } from '../../support/local-aws.js';
import { freePort } from '../../support/ports.js';

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'scopegate-start-'));
let env: NodeJS.ProcessEnv;
let ports: { api: number; dynamo: number; ses: number; sqs: number; messaging: number };

beforeAll(async () => {
  ports = {
    api: await freePort(),
    dynamo: await freePort(),
    ses: await freePort(),
    sqs: await freePort(),
    messaging: await freePort(),
  };
  env = {
    ...process.env,
    SCOPEGATE_API_PORT: String(ports.api),
    SCOPEGATE_DYNAMODB_PORT: String(ports.dynamo),
    SCOPEGATE_SES_PORT: String(ports.ses),
    SCOPEGATE_SQS_PORT: String(ports.sqs),
    SCOPEGATE_MESSAGING_PORT: String(ports.messaging),
    SCOPEGATE_DATA_DIR: dataDir,
  };
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Starts bin/local.ts; resolves once it says it is ready, with what it printed and a getter for more. */
function start(
  overrides: NodeJS.ProcessEnv = {},
): Promise<{ child: ChildProcess; output: string; printed: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
    env: { ...env, ...overrides },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Press Ctrl-C to stop everything.'))
        resolve({ child, output, printed: () => output });
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) =>
      reject(new Error(`bin/local.ts exited with ${code} before it was ready:\n${output}`)),
    );
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
}

// Each start boots Java (DynamoDB Local); under a full parallel run on two cores that takes a while.
describe('npm start', { timeout: 120_000 }, () => {
  it('prints a key once and a working curl; after Ctrl-C and a restart the data and the key remain', async () => {
    // First start: a key and a curl that sends an email which shows up in the local SES.
    const first = await start();
    let firstKey: string | undefined;
    try {
      firstKey = /sk_test_[0-9A-Za-z]{50}/.exec(first.output)?.[0] ?? '';
      expect(firstKey).not.toBe('');
      const curl = first.output.slice(first.output.indexOf('curl -s'), first.output.indexOf("}'") + 2);
      const { stdout } = await run('sh', ['-c', curl]);
      expect(JSON.parse(stdout)).toEqual({ id: expect.stringMatching(/^em_/) });
      const emails = await sentEmails(`http://127.0.0.1:${ports.ses}`);
      expect(emails.map((email) => email.subject)).toContain('Hello from scopegate');
      // The dashboard is printed and served from the source, with no build step before it.
      const dashboardUrl = `http://127.0.0.1:${ports.api}/dashboard/`;
      expect(first.output).toContain(dashboardUrl);
      const page = await fetch(dashboardUrl);
      expect([page.status, page.headers.get('content-security-policy')]).toEqual([
        200,
        expect.stringContaining("script-src 'self'"),
      ]);
      expect((await fetch(`${dashboardUrl}app.js`)).status).toBe(200);
    } finally {
      expect(await stop(first.child)).toBe(0);
    }

    // Restart on the same data: no new key is printed, and the first key still lists the email.
    const second = await start();
    try {
      expect(second.output).not.toMatch(/sk_test_[0-9A-Za-z]{50}/);
      const response = await fetch(`http://127.0.0.1:${ports.api}/v1/emails`, {
        headers: { authorization: `Bearer ${firstKey}` },
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { data: unknown[] }).data).toHaveLength(1);
    } finally {
      expect(await stop(second.child)).toBe(0);
    }
  });

  it('stops with a clear message and exit code 1 when DynamoDB Local dies under it', async () => {
    // Arrange: a stack on its own data directory.
    const ownData = mkdtempSync(join(tmpdir(), 'scopegate-died-'));
    const { child, printed } = await start({ SCOPEGATE_DATA_DIR: ownData });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      // Act
      const { stdout } = await run('pgrep', ['-P', String(child.pid), 'java']);
      process.kill(Number(stdout.trim().split('\n')[0]), 'SIGKILL');
      // Assert
      expect(await exited).toBe(1);
      expect(printed()).toContain('DynamoDB Local stopped unexpectedly.');
      expect(printed()).toMatch(/DynamoDB Local's last output:[\s\S]*Stopping the stack\./);
    } finally {
      child.kill('SIGKILL');
      rmSync(ownData, { recursive: true, force: true });
    }
  });

  it('refuses to start on a port that is already taken, with a clear message', async () => {
    const blocker = (await import('node:net')).createServer().listen(ports.api, '127.0.0.1');
    await new Promise((resolve) => blocker.once('listening', resolve));
    try {
      await expect(start()).rejects.toThrow(new RegExp(`Port ${ports.api} \\(the API\\) is already in use`));
    } finally {
      blocker.close();
    }
  });
});
