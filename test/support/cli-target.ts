/** Points the CLI's local target at a test file's own tables, seeded like `npm start` seeds them. */
import { inject } from 'vitest';
import { createProject } from '../../lambdas/account/projects.js';
import { createTeam } from '../../lambdas/account/teams.js';
import { createTestAws, type TestAws } from './local-aws.js';

export interface CliTarget {
  readonly aws: TestAws;
  /** The SCOPEGATE_* variables that send the CLI to these tables. */
  readonly env: Record<string, string>;
}

export async function createCliTarget(): Promise<CliTarget> {
  const aws = await createTestAws();
  // The local stack's defaults: project `default` of team `local`.
  const store = { documents: aws.documents, dataTable: aws.tables.data };
  await createTeam(store, { id: 'local', name: 'local' });
  await createProject(store, { id: 'default', name: 'Default', teamId: 'local' });
  return {
    aws,
    env: {
      SCOPEGATE_DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
      SCOPEGATE_API_KEYS_TABLE: aws.tables.apiKeys,
      SCOPEGATE_DATA_TABLE: aws.tables.data,
    },
  };
}
