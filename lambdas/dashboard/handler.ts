/**
 * The deployed dashboard and OpenAPI document: GET /dashboard, /dashboard/{file+} and /openapi.json on
 * the API's own origin, without the key authorizer (they are public files; the page asks for the key).
 * The files are read once per container, at cold start; no AWS call is made.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { readSite } from './site-files.js';
import { publicFileResponse } from './static-site.js';

// The bundle is CommonJS (lib/bundling.ts): __dirname is the code's folder, where bundling put the files.
const site = readSite(join(__dirname, 'site'));
const openApiJson = readFileSync(join(__dirname, 'openapi.json'), 'utf8');

export function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  return Promise.resolve(publicFileResponse(site, openApiJson, event.httpMethod, event.path));
}
