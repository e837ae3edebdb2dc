import { describe, expect, it } from 'vitest';
import {
  DASHBOARD_CSP,
  dashboardResponse,
  isDashboardPath,
  publicFileResponse,
  type StaticSite,
} from '../../../../lambdas/dashboard/static-site.js';

const site: StaticSite = new Map([
  ['index.html', { contentType: 'text/html; charset=utf-8', body: Buffer.from('<!doctype html>') }],
  ['app.js', { contentType: 'text/javascript; charset=utf-8', body: Buffer.from('export {}') }],
]);

describe('dashboardResponse', () => {
  it.each([
    ['GET', '/dashboard/', 200, '<!doctype html>'],
    ['GET', '/dashboard/index.html', 200, '<!doctype html>'],
    ['GET', '/dashboard/app.js', 200, 'export {}'],
    ['HEAD', '/dashboard/app.js', 200, ''],
    ['GET', '/dashboard/missing.js', 404, 'Not found.'],
    ['GET', '/dashboard/../index.html', 404, 'Not found.'],
    ['GET', '/dashboard/%2e%2e%2findex.html', 404, 'Not found.'],
    ['GET', '/dashboard/sub/app.js', 404, 'Not found.'],
    ['POST', '/dashboard/', 405, 'Method not allowed.'],
    ['GET', '/dashboard', 301, 'Moved.'],
  ])('%s %s → %i', (method, path, status, body) => {
    const response = dashboardResponse(site, method, path);
    expect(response.statusCode).toBe(status);
    const text = response.isBase64Encoded
      ? Buffer.from(response.body, 'base64').toString('utf8')
      : response.body;
    expect(text).toBe(body);
    expect(response.headers?.['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(response.headers?.['x-content-type-options']).toBe('nosniff');
    expect(response.headers?.['referrer-policy']).toBe('no-referrer');
  });

  it('redirects the bare mount relatively, so it works under any stage prefix', () => {
    expect(dashboardResponse(site, 'GET', '/dashboard').headers?.location).toBe('dashboard/');
  });

  it('allows requests only to its own origin and no inline script', () => {
    expect(DASHBOARD_CSP).toContain("connect-src 'self'");
    expect(DASHBOARD_CSP).toContain("default-src 'none'");
    expect(DASHBOARD_CSP).not.toContain('unsafe-inline');
  });
});

describe('isDashboardPath', () => {
  it.each([
    ['/dashboard', true],
    ['/dashboard/', true],
    ['/dashboard/app.js', true],
    ['/dashboards', false],
    ['/v1/dashboard', false],
    ['/', false],
  ])('%s → %s', (path, expected) => {
    expect(isDashboardPath(path)).toBe(expected);
  });
});

describe('publicFileResponse (the deployed static-file Lambda)', () => {
  it.each([
    ['GET', '/openapi.json', 200, '{"openapi":"3.1.0"}', 'application/json'],
    ['HEAD', '/openapi.json', 200, '', 'application/json'],
    ['POST', '/openapi.json', 405, 'Method not allowed.', 'text/plain; charset=utf-8'],
    ['GET', '/dashboard/app.js', 200, 'export {}', 'text/javascript; charset=utf-8'],
    ['GET', '/v1/emails', 404, 'Not found.', 'text/plain; charset=utf-8'],
    ['GET', '/openapi.json/', 404, 'Not found.', 'text/plain; charset=utf-8'],
  ])('%s %s → %i', (method, path, status, body, contentType) => {
    const response = publicFileResponse(site, '{"openapi":"3.1.0"}', method, path);
    expect([response.statusCode, response.body, response.headers?.['content-type']]).toEqual([
      status,
      body,
      contentType,
    ]);
    expect(response.headers?.['content-security-policy']).toBe(DASHBOARD_CSP);
  });
});
