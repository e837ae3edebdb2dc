/**
 * The unsubscribe pages, pure parts: the POST bodies they accept, and pages that echo nothing from the
 * request, load nothing from elsewhere and cannot be framed.
 */
import { describe, expect, it } from 'vitest';
import {
  badRequestPage,
  confirmPage,
  donePage,
  notFoundPage,
  PAGE_CSP,
} from '../../../../lambdas/unsubscribe/page.js';
import { postKindOf } from '../../../../lambdas/unsubscribe/pages.js';
import { unsubscribeTokenOfPath } from '../../../../lambdas/unsubscribe/paths.js';

describe('postKindOf', () => {
  it.each([
    ['List-Unsubscribe=One-Click', 'one_click'],
    ['confirm=unsubscribe', 'form'],
    ['', 'unknown'],
    ['List-Unsubscribe=Other', 'unknown'],
    ['confirm=yes', 'unknown'],
  ] as const)('%j is %s', (body, kind) => {
    expect(postKindOf(body)).toBe(kind);
  });
});

describe('unsubscribeTokenOfPath', () => {
  it.each([
    ['/u/abc.def', 'abc.def'],
    ['/u/abc.def/', 'abc.def'],
    ['/u/', undefined],
    ['/u/a/b', undefined],
    ['/v1/u/abc', undefined],
    ['/u/%E0%A4%A', undefined],
  ])('%j → %j', (path, token) => {
    expect(unsubscribeTokenOfPath(path)).toBe(token);
  });
});

describe('the pages', () => {
  const pages = { confirm: confirmPage(), done: donePage(), notFound: notFoundPage(), bad: badRequestPage() };

  it.each(Object.entries(pages))('%s forbids framing, scripts and every outside resource', (_name, page) => {
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['content-security-policy']).toBe(PAGE_CSP);
    expect(PAGE_CSP).toContain("default-src 'none'");
    expect(PAGE_CSP).toContain("frame-ancestors 'none'");
    expect(PAGE_CSP).not.toContain('unsafe-inline');
    expect(page.body).not.toMatch(/<script|https?:\/\/|src=|href=/i);
  });

  it('the confirm page posts its form back to its own URL (no action naming the URL or the token)', () => {
    expect(pages.confirm.body).toContain('<form method="post">');
    expect(pages.confirm.body).toContain('name="confirm" value="unsubscribe"');
    expect(pages.confirm.body).not.toContain('action=');
  });

  it('answers the statuses of what happened', () => {
    expect([
      pages.confirm.statusCode,
      pages.done.statusCode,
      pages.notFound.statusCode,
      pages.bad.statusCode,
    ]).toEqual([200, 200, 404, 400]);
  });
});
