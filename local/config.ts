/** The local stack's fixed addresses and names (DESIGN.md §5). */
export const LOCAL = {
  host: '127.0.0.1',
  apiPort: 3000,
  dynamoPort: 8000,
  sesPort: 8005,
  dataDir: '.local/dynamodb',
  tables: { apiKeys: 'ApiKeys', data: 'Data' },
  teamId: 'local',
  projectId: 'default',
  keyEnvironment: 'test',
} as const;

export const LOCAL_DYNAMODB_ENDPOINT = `http://${LOCAL.host}:${LOCAL.dynamoPort}`;
export const LOCAL_SES_ENDPOINT = `http://${LOCAL.host}:${LOCAL.sesPort}`;
export const LOCAL_API_URL = `http://${LOCAL.host}:${LOCAL.apiPort}`;

/** Fixed, non-secret credentials: the emulators accept any, and the region keeps their data apart. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
export const LOCAL_REGION = 'us-east-1';
