import { describe, expect, it } from 'vitest';
import { createJsonLog } from '../../../../lambdas/authorizer/json-log.js';

function capture(level?: string, trace?: string) {
  const lines: Record<string, unknown>[] = [];
  const log = createJsonLog({
    service: 'scopegate-authorizer',
    level,
    write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
    now: () => new Date('2026-11-24T12:00:00.000Z'),
    traceId: () => trace,
  });
  return { log, lines };
}

describe('createJsonLog', () => {
  it('writes one JSON line per entry with the reserved keys and the entry fields', () => {
    const { log, lines } = capture(undefined, 'Root=1-abc');
    log.info('authorization decided', { keyId: 'AbCdEfGhIjKl', decision: 'allow' });
    expect(lines).toEqual([
      {
        keyId: 'AbCdEfGhIjKl',
        decision: 'allow',
        level: 'INFO',
        message: 'authorization decided',
        timestamp: '2026-11-24T12:00:00.000Z',
        service: 'scopegate-authorizer',
        xray_trace_id: 'Root=1-abc',
      },
    ]);
  });

  it('an entry field cannot overwrite the level, message or service', () => {
    const { log, lines } = capture();
    log.error('key lookup failed', { level: 'INFO', message: 'forged', service: 'other' });
    expect(lines[0]).toMatchObject({
      level: 'ERROR',
      message: 'key lookup failed',
      service: 'scopegate-authorizer',
    });
    expect(lines[0]).not.toHaveProperty('xray_trace_id');
  });

  it.each([
    [undefined, ['INFO', 'WARN', 'ERROR']],
    ['nonsense', ['INFO', 'WARN', 'ERROR']],
    ['debug', ['INFO', 'WARN', 'ERROR']],
    ['WARN', ['WARN', 'ERROR']],
    [' error ', ['ERROR']],
  ])('level %j writes %j', (level, expected) => {
    const { log, lines } = capture(level);
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(lines.map((line) => line.level)).toEqual(expected);
  });
});
