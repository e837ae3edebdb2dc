import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_API_TYPES_PATH, dashboardApiTypes } from '../../../docs/dashboard-types.js';

describe('the dashboard’s API types', () => {
  it('are committed as generated from docs/openapi.json (run `npm run docs`)', async () => {
    const document = readFileSync(new URL('../../../docs/openapi.json', import.meta.url), 'utf8');
    const committed = readFileSync(new URL(`../../../${DASHBOARD_API_TYPES_PATH}`, import.meta.url), 'utf8');
    expect(committed).toBe(await dashboardApiTypes(document));
  });
});
