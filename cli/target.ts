/**
 * Where the CLI works: the local stack by default (DynamoDB Local, `sk_test_` keys, project
 * `default` of team `local`), or a deployed stack named with `--stack`, whose table names come from
 * its CloudFormation outputs (`sk_live_` keys, default AWS credential chain, no default project).
 */
import type { KeyStore } from '../lambdas/account/keys.js';
import type { CallBounds } from '../lambdas/aws/call-bounds.js';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { createDocumentClient, createSesClient } from '../lambdas/aws/aws-clients.js';
import { STACK_OUTPUTS } from '../lib/stack-outputs.js';
import { LOCAL, LOCAL_CREDENTIALS, LOCAL_REGION, localDynamoEndpoint, localPort } from '../local/config.js';
import type { CommandLine } from './args.js';
import { CliFailure, type FailureHints, usageError } from './failure.js';

export interface Target {
  /** e.g. `local stack (DynamoDB Local at http://127.0.0.1:8000)`. */
  readonly label: string;
  readonly store: KeyStore;
  /** SES v2, for the identity of a domain an operator releases; it connects only when called. */
  readonly ses: SESv2Client;
  /** The stack's region: a released domain's records name it. */
  readonly region: string;
  readonly defaultProjectId: string | undefined;
  readonly defaultTeamId: string | undefined;
  readonly hints: FailureHints;
  close(): void;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Outputs the CDK stack must export (at stack level, so the OutputKey is exactly this). */
export async function resolveTarget(line: CommandLine, env: Env): Promise<Target> {
  const stack = line.values.stack;
  const region = line.values.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (stack === undefined) {
    if (line.values.region !== undefined) throw usageError('--region only applies with --stack');
    return localTarget(env);
  }
  if (stack.trim() === '') throw usageError('--stack needs a stack name');
  if (region === undefined || region.trim() === '')
    throw usageError('--stack needs --region (or AWS_REGION)');
  return stackTarget(stack, region, env);
}

/**
 * SCOPEGATE_DYNAMODB_ENDPOINT (or SCOPEGATE_DYNAMODB_PORT, the variable `npm start` reads),
 * SCOPEGATE_API_KEYS_TABLE and SCOPEGATE_DATA_TABLE override the defaults.
 */
export function localTarget(env: Env): Target {
  const endpoint = localEndpoint(env);
  const documents = createDocumentClient(
    { endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS },
    LOCAL_BOUNDS,
  );
  // SCOPEGATE_SES_ENDPOINT (or SCOPEGATE_SES_PORT, the variable `npm start` reads) names the local SES.
  const sesEndpoint =
    env.SCOPEGATE_SES_ENDPOINT ||
    `http://${LOCAL.host}:${localPortOf(env, 'SCOPEGATE_SES_PORT', LOCAL.sesPort)}`;
  const ses = createSesClient({
    endpoint: sesEndpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  return {
    label: `local stack (DynamoDB Local at ${endpoint})`,
    store: {
      documents,
      apiKeysTable: env.SCOPEGATE_API_KEYS_TABLE || LOCAL.tables.apiKeys,
      dataTable: env.SCOPEGATE_DATA_TABLE || LOCAL.tables.data,
      environment: LOCAL.keyEnvironment,
    },
    ses,
    region: LOCAL_REGION,
    defaultProjectId: LOCAL.projectId,
    defaultTeamId: LOCAL.teamId,
    hints: {
      unreachable: `cannot reach DynamoDB Local at ${endpoint}: run \`npm start\` first`,
      missingTables: `no ApiKeys/Data tables in DynamoDB Local at ${endpoint}: run \`npm start\` first (it creates them)`,
    },
    close: () => {
      documents.destroy();
      ses.destroy();
    },
  };
}

/** A stopped local stack should fail in well under a second, not after retries. */
const LOCAL_BOUNDS: CallBounds = {
  connectionTimeoutMs: 2_000,
  requestTimeoutMs: 10_000,
  maxAttempts: 1,
  deadlineMs: 12_000,
};

/** A person waits at a terminal: patient with a slow network, and retried as the SDK would. */
const STACK_BOUNDS: CallBounds = {
  connectionTimeoutMs: 5_000,
  requestTimeoutMs: 30_000,
  maxAttempts: 3,
  deadlineMs: 60_000,
};

function localEndpoint(env: Env): string {
  try {
    return localDynamoEndpoint(env);
  } catch (error) {
    if (error instanceof RangeError) throw usageError(error.message);
    throw error;
  }
}

function localPortOf(env: Env, name: string, fallback: number): number {
  try {
    return localPort(env, name, fallback);
  } catch (error) {
    if (error instanceof RangeError) throw usageError(error.message);
    throw error;
  }
}

async function stackTarget(stackName: string, region: string, env: Env): Promise<Target> {
  const tables = await stackTables(stackName, region);
  // The SDK's default credential chain (environment, profiles, SSO, processes, roles) and endpoint
  // resolution (FIPS and dual-stack settings), as the AWS CLI finds them; the endpoint variables are
  // read from `env`, as the rest of the command line is.
  const endpoint = env.AWS_ENDPOINT_URL_DYNAMODB || env.AWS_ENDPOINT_URL;
  const documents = createDocumentClient({ region, ...(endpoint ? { endpoint } : {}) }, STACK_BOUNDS);
  const sesEndpoint = env.AWS_ENDPOINT_URL_SESV2 || env.AWS_ENDPOINT_URL;
  const ses = createSesClient({ region, ...(sesEndpoint ? { endpoint: sesEndpoint } : {}) });
  return {
    label: `stack ${stackName} in ${region}`,
    store: {
      documents,
      apiKeysTable: tables.apiKeys,
      dataTable: tables.data,
      environment: 'live',
    },
    ses,
    region,
    defaultProjectId: undefined,
    defaultTeamId: undefined,
    hints: {
      unreachable: `cannot reach DynamoDB in ${region}`,
      missingTables: `the tables of stack ${stackName} (${tables.apiKeys}, ${tables.data}) do not exist in ${region}`,
    },
    close: () => {
      documents.destroy();
      ses.destroy();
    },
  };
}

/** Table names from the stack's outputs. Loaded lazily: the local path never needs CloudFormation. */
export async function stackTables(
  stackName: string,
  region: string,
): Promise<{ apiKeys: string; data: string }> {
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const cloudFormation = new CloudFormationClient({ region });
  try {
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    const outputs = new Map(
      (Stacks?.[0]?.Outputs ?? []).map((output) => [output.OutputKey, output.OutputValue]),
    );
    const apiKeys = outputs.get(STACK_OUTPUTS.apiKeys);
    const data = outputs.get(STACK_OUTPUTS.data);
    if (!apiKeys || !data) {
      const missing = [STACK_OUTPUTS.apiKeys, STACK_OUTPUTS.data].filter((key) => !outputs.get(key));
      throw new CliFailure(
        'not_found',
        `stack ${stackName} in ${region} has no ${missing.join(' or ')} output: is it a scopegate stack?`,
      );
    }
    return { apiKeys, data };
  } catch (error) {
    if (error instanceof Error && error.name === 'ValidationError' && /does not exist/.test(error.message)) {
      throw new CliFailure('not_found', `no stack named ${stackName} in ${region}`);
    }
    throw error;
  } finally {
    cloudFormation.destroy();
  }
}
