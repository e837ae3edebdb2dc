/**
 * A CloudFormation custom resource backed directly by our own Lambda (no provider framework, so no
 * extra function or managed policy): CloudFormation invokes it and waits for the answer PUT to the
 * event's pre-signed `ResponseURL`. Every path answers, or the deploy would hang for an hour.
 */

export interface CustomResourceEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
}

export type Put = (url: string, body: string) => Promise<{ readonly ok: boolean; readonly status: number }>;

/** The one physical id of the clean-up: nothing is created, so nothing is replaced or deleted. */
export const PHYSICAL_ID = 'scopegate-secret-records-cleanup';

/**
 * Runs `work` on Create (the first deploy of this version, or of a stack) and Update, nothing on
 * Delete, and answers CloudFormation: FAILED with the error's name when `work` throws, which fails
 * the deploy (fail closed: a clean-up that did not run is not reported as done).
 */
export async function answerCustomResource(
  event: CustomResourceEvent,
  work: () => Promise<string>,
  put: Put,
): Promise<void> {
  let status: 'SUCCESS' | 'FAILED' = 'SUCCESS';
  let reason = 'nothing to do';
  try {
    if (event.RequestType !== 'Delete') reason = await work();
  } catch (error) {
    status = 'FAILED';
    reason = `clean-up failed (${error instanceof Error ? error.name : 'unknown'}); see the function's log`;
  }
  const body = JSON.stringify({
    Status: status,
    Reason: reason,
    PhysicalResourceId: event.PhysicalResourceId ?? PHYSICAL_ID,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  });
  const answered = await put(event.ResponseURL, body);
  if (!answered.ok) throw new Error(`CloudFormation's response URL answered ${answered.status}`);
}

/** The PUT CloudFormation expects: an empty content type, as its pre-signed URL was signed without one. */
export const putWithFetch: Put = async (url, body) => {
  const response = await fetch(url, { method: 'PUT', body, headers: { 'content-type': '' } });
  return { ok: response.ok, status: response.status };
};
