import type { ServiceRoutes } from '../core/http.js';
import { ACCOUNT_CONTRACTS } from './contracts.js';
import { listProjects, type ProjectStore, projectJson } from './projects.js';

export function accountRoutes(store: ProjectStore): ServiceRoutes<typeof ACCOUNT_CONTRACTS> {
  return {
    contracts: ACCOUNT_CONTRACTS,
    handlers: {
      listProjects: async ({ auth }) => ({ data: (await listProjects(store, auth.teamId)).map(projectJson) }),
    },
  };
}
