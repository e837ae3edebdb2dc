/** Where the DynamoDB client sends its calls and whose credentials sign them (../aws-wire/target.ts). */
import { type AwsTarget, serviceEndpoint, targetFromEnv } from '../aws-wire/target.js';

export type { AwsCredentials, CredentialSource } from '../aws-wire/target.js';
export type DynamoTarget = AwsTarget;

const DYNAMODB = { hostPrefix: 'dynamodb', endpointVariable: 'DYNAMODB' } as const;

/** DynamoDB's public endpoint in `region`. */
export function regionalEndpoint(region: string): URL {
  return serviceEndpoint(DYNAMODB.hostPrefix, region);
}

/** As Lambda provides it; AWS_ENDPOINT_URL_DYNAMODB or AWS_ENDPOINT_URL point the tests at DynamoDB Local. */
export function dynamoTargetFromEnv(env: NodeJS.ProcessEnv = process.env): DynamoTarget {
  return targetFromEnv(DYNAMODB, env);
}
