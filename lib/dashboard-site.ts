/**
 * The dashboard and the OpenAPI document on the API's own origin: a small static-file Lambda whose
 * bundle carries the files (built at synth by the bundling step), routed by the REST API at
 * GET /dashboard, /dashboard/{file+} and /openapi.json without the key authorizer. Same origin, no
 * CloudFront: API Gateway still sees each caller's own address, which the IP allow-lists need.
 */
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ScopegateFunction } from './scopegate-function.js';

export interface DashboardSiteProps {
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

export class DashboardSite extends Construct {
  /** No table, no AWS call: its role can only write its own logs. */
  public readonly handler: ScopegateFunction;

  constructor(scope: Construct, id: string, props: DashboardSiteProps = {}) {
    super(scope, id);
    this.handler = new ScopegateFunction(this, 'Files', {
      name: 'dashboard',
      description: 'scopegate dashboard and OpenAPI document (static files, public)',
      logRetention: props.logRetention,
      memorySize: 256,
      afterBundling: (inputDir, outputDir) => [
        `node --import tsx "${inputDir}/bin/build-dashboard.ts" "${outputDir}/site"`,
        `cp "${inputDir}/docs/openapi.json" "${outputDir}/openapi.json"`,
      ],
    });
  }
}
