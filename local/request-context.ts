/**
 * The `requestContext` API Gateway (REST, payload v1) sends to authorizers and proxy integrations,
 * built in one place for the local gateway and the test event factories.
 */
import type { APIGatewayEventIdentity, APIGatewayEventRequestContextWithAuthorizer } from 'aws-lambda';

export interface RequestContextInput {
  readonly method: string;
  /** The route's template path, e.g. `/v1/emails/{id}`. */
  readonly resourcePath: string;
  /** The concrete URL path, without the stage. */
  readonly path: string;
  readonly stage: string;
  readonly requestId: string;
  readonly sourceIp: string;
  readonly userAgent: string | null;
  readonly accountId: string;
  readonly apiId: string;
  readonly protocol?: string;
}

export function requestContext(
  input: RequestContextInput,
): APIGatewayEventRequestContextWithAuthorizer<undefined> {
  return {
    accountId: input.accountId,
    apiId: input.apiId,
    authorizer: undefined,
    httpMethod: input.method,
    path: `/${input.stage}${input.path}`,
    protocol: input.protocol ?? 'HTTP/1.1',
    requestId: input.requestId,
    requestTimeEpoch: Date.now(),
    resourceId: 'local',
    resourcePath: input.resourcePath,
    stage: input.stage,
    identity: requestIdentity(input.sourceIp, input.userAgent),
  };
}

/** Only `sourceIp` (the TCP peer) and `userAgent` are known; every IAM/Cognito field is null. */
export function requestIdentity(sourceIp: string, userAgent: string | null): APIGatewayEventIdentity {
  return {
    accessKey: null,
    accountId: null,
    apiKey: null,
    apiKeyId: null,
    caller: null,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp,
    user: null,
    userAgent,
    userArn: null,
  };
}
