import type { RouteHandler } from '../core/http.js';
import { routeKey } from '../core/routes.js';
import { listProjects, type ProjectStore, projectJson } from './projects.js';

export function accountRoutes(store: ProjectStore): Record<string, RouteHandler> {
  return {
    [routeKey('GET', '/v1/projects')]: async ({ auth }) => {
      const projects = await listProjects(store, auth.teamId);
      return { status: 200, body: { data: projects.map(projectJson) } };
    },
  };
}
