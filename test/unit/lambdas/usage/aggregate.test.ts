import { describe, expect, it } from 'vitest';
import { ROUTES, routeKey } from '../../../../lambdas/api/routes.js';
import { countsBySurface, surfaceOfRoute } from '../../../../lambdas/usage/aggregate.js';

describe('surfaceOfRoute', () => {
  it.each(ROUTES.map((route) => [routeKey(route.method, route.path), route.surface] as const))(
    '%s belongs to %s, as its row says',
    (key, surface) => {
      expect(surfaceOfRoute(key)).toBe(surface);
    },
  );

  it('names no surface for a path outside every prefix', () => {
    expect(surfaceOfRoute('GET /dashboard')).toBeUndefined();
  });
});

describe('countsBySurface', () => {
  it('sums the per-route counts by surface, with a zero for a surface without traffic', () => {
    expect(
      countsBySurface({
        'POST /v1/emails': 2,
        'GET /v1/emails/{id}': 3,
        'POST /sendgrid/v3/mail/send': 4,
        'GET /elsewhere': 9,
      }),
    ).toEqual({ v1: 5, resend: 0, sendgrid: 4 });
  });
});
