/**
 * cdk.json turns on every feature flag aws-cdk-lib recommends for a new app: scopegate has no
 * deployed behaviour to stay compatible with, and `cdk synth` stays free of the flags warning.
 */
import { isDeepStrictEqual } from 'node:util';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { describe, expect, it } from 'vitest';
import { CDK_JSON_CONTEXT } from './template.js';

describe('cdk.json feature flags', () => {
  it('sets every flag aws-cdk-lib recommends for a new app, at its recommended value', () => {
    // After an aws-cdk-lib upgrade, the diff of a failure lists the flags and values to add to cdk.json.
    const unset = Object.fromEntries(
      Object.entries(CURRENTLY_RECOMMENDED_FLAGS).filter(
        ([flag, value]) => !isDeepStrictEqual(CDK_JSON_CONTEXT[flag], value),
      ),
    );

    expect(Object.keys(CURRENTLY_RECOMMENDED_FLAGS).length).toBeGreaterThan(0);
    expect(unset).toEqual({});
  });
});
