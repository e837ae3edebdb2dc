/**
 * The public unsubscribe pages (GET and POST /u/{token}, lambdas/unsubscribe/pages.ts): one small
 * Lambda that the REST API routes without the key authorizer, as it does the dashboard's files. The
 * signed token is the only credential; the Lambda may touch only project items and the stack's
 * UNSUBSCRIBE_SECRET (DATA_TABLE_GRANTS.unsubscribe).
 */
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ScopegateFunction } from './scopegate-function.js';
import { DATA_TABLE_GRANTS } from './table-grants.js';

export interface UnsubscribePagesProps {
  readonly dataTable: ITable;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

export class UnsubscribePages extends Construct {
  public readonly handler: ScopegateFunction;

  constructor(scope: Construct, id: string, props: UnsubscribePagesProps) {
    super(scope, id);
    this.handler = new ScopegateFunction(this, 'Pages', {
      name: 'unsubscribe',
      description: 'scopegate one-click unsubscribe pages (public, signed tokens)',
      logRetention: props.logRetention,
      memorySize: 256,
    });
    this.handler.bindTable({
      table: props.dataTable,
      access: DATA_TABLE_GRANTS.unsubscribe,
      envVar: 'DATA_TABLE',
    });
  }
}
