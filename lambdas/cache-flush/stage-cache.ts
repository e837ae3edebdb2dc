/**
 * The one API Gateway call the cache flusher makes, behind a narrow function that takes its client,
 * and the client's time bounds. FlushStageAuthorizersCache (`DELETE
 * /restapis/{id}/stages/{stage}/cache/authorizers`) answers 202: the flush is asynchronous and
 * empties the whole stage's authorizer cache, so every key is authorized afresh once afterwards.
 */
import { APIGatewayClient, FlushStageAuthorizersCacheCommand } from '@aws-sdk/client-api-gateway';
import type { CallBounds } from '../aws/call-bounds.js';
import { type ClientOverrides, sdkClientBounds, withDeadline } from '../aws/sdk-client-bounds.js';

export interface StageRef {
  readonly restApiId: string;
  readonly stageName: string;
}

/**
 * One attempt per call: the retries are flushWithRetries's, with jitter and a deadline of their own,
 * so that the SDK's retries cannot multiply them.
 */
export const FLUSH_CALL_BOUNDS: CallBounds = {
  connectionTimeoutMs: 1000,
  requestTimeoutMs: 3000,
  maxAttempts: 1,
  deadlineMs: 4000,
};

export function createApiGatewayClient(overrides: ClientOverrides = {}): APIGatewayClient {
  return withDeadline(
    new APIGatewayClient({ ...overrides, ...sdkClientBounds(FLUSH_CALL_BOUNDS) }),
    FLUSH_CALL_BOUNDS,
  );
}

export async function flushStageAuthorizersCache(client: APIGatewayClient, stage: StageRef): Promise<void> {
  await client.send(
    new FlushStageAuthorizersCacheCommand({ restApiId: stage.restApiId, stageName: stage.stageName }),
  );
}
