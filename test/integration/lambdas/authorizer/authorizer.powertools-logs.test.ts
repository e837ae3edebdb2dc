/**
 * The deployed authorizer logs through Powertools Logger. Its reserved keys (`message`, `level`, …)
 * are dropped silently, so this runs the real Logger and reads what it writes.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createAuthorizer } from '../../../../lambdas/authorizer/authorizer.js';
import { authorizerEvent } from '../../../support/events.js';
import { bearer, testKey } from '../../../support/keys.js';

let written: string[];
beforeEach(() => {
  written = [];
  const capture = (chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
});
afterEach(() => {
  vi.restoreAllMocks();
});

it('logs a hand-edit problem with its detail, and never the key or its hash', async () => {
  // Arrange: an item with an invalid IP entry, read by the real Powertools Logger.
  const { key, item } = testKey({ allowedIps: ['203.0.113.7', 'not-an-ip'] });
  const authorize = createAuthorizer({
    environment: 'live',
    getKeyItem: async () => item,
    log: new Logger({ serviceName: 'test-authorizer' }),
  });
  // Act
  const result = await authorize(authorizerEvent({ authorization: bearer(key), sourceIp: '203.0.113.7' }));
  // Assert
  expect(result.context?.errorCode).toBe('ip_not_allowed');
  const output = written.join('');
  expect(output).toContain('invalid allowedIps entries (key denied): not-an-ip');
  expect(output).toContain(`"keyId":"${key.keyId}"`);
  expect(output).toContain('"decision":"deny"');
  expect(output).not.toContain('reserved key');
  expect(output).not.toContain(key.key.slice(key.prefix.length));
  expect(output).not.toContain(key.keyHash);
});
