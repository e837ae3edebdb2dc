/**
 * The handler frame's own dependencies for tests whose keys carry no rate limit: the store is never
 * reached, and reaching it fails the test loudly.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FrameDependencies } from '../../lambdas/core/http.js';

const unreachable = {
  send: () => Promise.reject(new Error('a key without a rate limit reached the rate-limit store')),
} as unknown as DynamoDBDocumentClient;

export const UNLIMITED_FRAME: FrameDependencies = {
  rateLimits: { documents: unreachable, dataTable: 'unused', now: () => new Date() },
};
