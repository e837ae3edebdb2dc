/** The local stack's fixed addresses and names (README, "Quick start"). */
import type { ClientOverrides } from '../lambdas/aws/sdk-client-bounds.js';

export const LOCAL = {
  host: '127.0.0.1',
  apiPort: 3000,
  dynamoPort: 8000,
  sesPort: 8005,
  /** The SMS and WhatsApp stand-in (local/messaging.ts). */
  messagingPort: 8006,
  /** Stand-in settings, as `smsOriginationIdentity` and `whatsappPhoneNumberId` are deployed. */
  smsOriginationIdentity: '+12065550100',
  whatsappPhoneNumberId: 'phone-number-id-local',
  dataDir: '.local/dynamodb',
  tables: { apiKeys: 'ApiKeys', data: 'Data' },
  teamId: 'local',
  projectId: 'default',
  keyEnvironment: 'test',
} as const;

export const LOCAL_DYNAMODB_ENDPOINT = `http://${LOCAL.host}:${LOCAL.dynamoPort}`;

/** A port moved by an environment variable (`SCOPEGATE_API_PORT`, …), or the default. */
export function localPort(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 65535)
    throw new RangeError(`${name} must be a port number`);
  return parsed;
}

/**
 * Where the local DynamoDB is: SCOPEGATE_DYNAMODB_ENDPOINT, else the port `npm start` was given in
 * SCOPEGATE_DYNAMODB_PORT, else 8000. The CLI and `npm start` read it the same way.
 */
export function localDynamoEndpoint(env: NodeJS.ProcessEnv): string {
  return (
    env.SCOPEGATE_DYNAMODB_ENDPOINT ||
    `http://${LOCAL.host}:${localPort(env, 'SCOPEGATE_DYNAMODB_PORT', LOCAL.dynamoPort)}`
  );
}
export const LOCAL_SES_ENDPOINT = `http://${LOCAL.host}:${LOCAL.sesPort}`;
export const LOCAL_API_URL = `http://${LOCAL.host}:${LOCAL.apiPort}`;

/** Fixed, non-secret credentials: the emulators accept any, and the region keeps their data apart. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
export const LOCAL_REGION = 'us-east-1';

/** A local stand-in at `endpoint` (DynamoDB Local, the local SES, the messaging stand-in), as the SDK clients address it. */
export function localTarget(endpoint: string): ClientOverrides {
  return { endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
}
