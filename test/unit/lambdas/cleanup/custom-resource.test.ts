/** The clean-up's CloudFormation answer: every path answers, a failure fails the deploy. */
import { describe, expect, it, vi } from 'vitest';
import {
  answerCustomResource,
  type CustomResourceEvent,
  PHYSICAL_ID,
} from '../../../../lambdas/cleanup/custom-resource.js';

const event = (RequestType: CustomResourceEvent['RequestType']): CustomResourceEvent => ({
  RequestType,
  ResponseURL: 'https://cloudformation-custom-resource-response.example/presigned',
  StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/s/1',
  RequestId: 'req-1',
  LogicalResourceId: 'Run',
});

function recorder(ok = true) {
  const put = vi.fn(async (_url: string, _body: string) => ({ ok, status: ok ? 200 : 403 }));
  const answer = () => JSON.parse(put.mock.calls[0]?.[1] ?? '{}') as Record<string, unknown>;
  return { put, answer };
}

describe('answerCustomResource', () => {
  it.each(['Create', 'Update'] as const)('runs the clean-up on %s and answers SUCCESS', async (type) => {
    const { put, answer } = recorder();
    const work = vi.fn(async () => 'scanned 3, deleted 1');
    await answerCustomResource(event(type), work, put);
    expect(work).toHaveBeenCalledOnce();
    expect(put.mock.calls[0]?.[0]).toBe(event(type).ResponseURL);
    expect(answer()).toEqual({
      Status: 'SUCCESS',
      Reason: 'scanned 3, deleted 1',
      PhysicalResourceId: PHYSICAL_ID,
      StackId: event(type).StackId,
      RequestId: 'req-1',
      LogicalResourceId: 'Run',
    });
  });

  it('does nothing on Delete but answers, so a stack deletion never waits', async () => {
    const { put, answer } = recorder();
    const work = vi.fn(async () => 'ran');
    await answerCustomResource(event('Delete'), work, put);
    expect(work).not.toHaveBeenCalled();
    expect(answer().Status).toBe('SUCCESS');
  });

  it('answers FAILED when the clean-up throws (the deploy fails closed), naming no more than the error type', async () => {
    const { put, answer } = recorder();
    const failure = Object.assign(new Error('secret detail'), {
      name: 'ProvisionedThroughputExceededException',
    });
    await answerCustomResource(event('Create'), () => Promise.reject(failure), put);
    expect(answer().Status).toBe('FAILED');
    expect(answer().Reason).toContain('ProvisionedThroughputExceededException');
    expect(answer().Reason).not.toContain('secret detail');
  });

  it('throws when CloudFormation does not take the answer, so the invocation is retried', async () => {
    const { put } = recorder(false);
    await expect(answerCustomResource(event('Create'), async () => 'ok', put)).rejects.toThrow(/403/);
  });
});
