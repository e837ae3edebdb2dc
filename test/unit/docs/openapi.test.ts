import { readFileSync } from 'node:fs';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument, openApiJson } from '../../../docs/openapi.js';
import { CONTRACTS } from '../../../docs/route-contracts.js';
import { ERROR_CODES, errorBody } from '../../../lambdas/api/errors.js';
import { ROUTES, type Route } from '../../../lambdas/api/routes.js';
import { DOCUMENTED_BODIES } from '../../support/documented-bodies.js';

const committed = readFileSync(new URL('../../../docs/openapi.json', import.meta.url), 'utf8');
const document = buildOpenApiDocument();
type Operation = {
  operationId: string;
  'x-scopegate-scope'?: string;
  'x-scopegate-permission'?: string;
  description: string;
  responses: object;
};
const operationOf = (method: string, path: string) =>
  (document.paths?.[path] as Record<string, Operation> | undefined)?.[method.toLowerCase()];

describe('the OpenAPI document', () => {
  it('is committed as generated from the route table (run `npm run docs`)', () => {
    expect(committed).toBe(openApiJson());
  });

  it('lints clean with Redocly’s recommended rules: no error and no warning', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: committed, absoluteRef: 'openapi.json', config });
    expect(problems.map((problem) => `${problem.ruleId}: ${problem.message}`)).toEqual([]);
  });

  it('has exactly the routes of the table, no more', () => {
    const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
      Object.keys(item as object).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(ROUTES.map((route) => `${route.method} ${route.path}`).sort());
  });

  it.each(ROUTES as readonly Route[])(
    '$method $path names its scope or permission in words and as an extension',
    (route) => {
      const operation = operationOf(route.method, route.path);
      expect(operation?.operationId).toBe(route.id);
      expect(operation?.['x-scopegate-scope']).toBe(route.scope);
      expect(operation?.['x-scopegate-permission']).toBe(route.permission);
      expect(operation?.description).toContain(`\`${route.scope ?? route.permission}\``);
    },
  );

  it.each(ROUTES)(
    '$method $path answers its contract’s success status and every authorizer error',
    (route) => {
      const statuses = Object.keys(operationOf(route.method, route.path)?.responses ?? {});
      expect(statuses).toEqual(
        expect.arrayContaining([String(CONTRACTS[route.id].response.status), '401', '403', '500', '503']),
      );
    },
  );

  it('needs the bearer key everywhere', () => {
    expect(document.security).toEqual([{ bearerAuth: [] }]);
    expect(document.components?.securitySchemes?.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
  });

  it('carries every error body a route can answer as a shared example, as the services render it', () => {
    const examples = document.components?.examples ?? {};
    expect(Object.keys(examples).sort()).toEqual([...ERROR_CODES].sort());
    expect((examples.invalid_api_key as { value: unknown }).value).toEqual(
      JSON.parse(DOCUMENTED_BODIES.invalid_api_key),
    );
    expect((examples.not_found as { value: unknown }).value).toEqual(errorBody('not_found'));
  });
});
