/**
 * The house Lambda: every scopegate function gets the same runtime, architecture, bundling, source maps
 * and a log group with retention, and binds its tables through one helper that sets the environment
 * variable and the least-privilege grant together.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LAMBDA_BUNDLING, LAMBDA_ENTRIES, type LambdaName } from './bundling.js';
import { type TableGrant, tableGrantStatements } from './table-grants.js';

/** The repository root: entries in LAMBDA_ENTRIES and the lock file are relative to it. */
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The newest Node.js runtime in this aws-cdk-lib, named explicitly so an upgrade is a reviewed change. */
export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_24_X;

/**
 * `getItem`: dynamodb:GetItem on the table itself only (the authorizer). Otherwise the exact grants,
 * one statement each (lib/table-grants.ts holds every function's list).
 */
export type TableAccess = 'getItem' | readonly TableGrant[];

export interface TableBinding {
  readonly table: ITable;
  readonly access: TableAccess;
  /** The environment variable that receives the table name. */
  readonly envVar: string;
}

export interface ScopegateFunctionProps {
  /** Which entry of LAMBDA_ENTRIES to bundle. */
  readonly name: LambdaName;
  /** @default - none */
  readonly description?: string;
  /** @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** A hard cap on concurrent instances (the broadcast sender's pacing relies on it). @default - none */
  readonly reservedConcurrentExecutions?: number;
  /** @default - none besides NODE_OPTIONS and what bindTable adds */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Shell commands run after esbuild, to put files beside the bundle (the dashboard's static files).
   * @default - none
   */
  readonly afterBundling?: (inputDir: string, outputDir: string) => string[];
}

export class ScopegateFunction extends Construct {
  public readonly function: NodejsFunction;
  /** Owns the function's permissions: no managed policies, only the statements added here. */
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ScopegateFunctionProps) {
    super(scope, id);
    const timeout = props.timeout ?? Duration.seconds(10);
    const memorySize = props.memorySize ?? 512;
    validate(id, timeout, memorySize);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // A role of our own instead of AWSLambdaBasicExecutionRole, whose logs:* grant covers every log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the scopegate ${props.name} function`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: join(PROJECT_ROOT, LAMBDA_ENTRIES[props.name]),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      runtime: LAMBDA_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      description: props.description,
      timeout,
      memorySize,
      ...(props.reservedConcurrentExecutions !== undefined && {
        reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      }),
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        ...(LAMBDA_BUNDLING.sourcemap ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
        ...props.environment,
      },
      bundling: {
        format: LAMBDA_BUNDLING.format === 'cjs' ? OutputFormat.CJS : OutputFormat.ESM,
        target: LAMBDA_BUNDLING.target,
        mainFields: [...LAMBDA_BUNDLING.mainFields],
        minify: LAMBDA_BUNDLING.minify,
        sourceMap: LAMBDA_BUNDLING.sourcemap,
        sourcesContent: LAMBDA_BUNDLING.sourcesContent,
        bundleAwsSDK: LAMBDA_BUNDLING.bundleAwsSdk,
        externalModules: [...LAMBDA_BUNDLING.external],
        logLevel: LogLevel.WARNING,
        // esbuild is a devDependency: bundle locally, never in Docker (no internet to pull an image).
        forceDockerBundling: false,
        ...(props.afterBundling && {
          commandHooks: {
            beforeBundling: () => [],
            beforeInstall: () => [],
            afterBundling: props.afterBundling,
          },
        }),
      },
    });
  }

  /** Sets the table-name environment variable and grants exactly the binding's actions. */
  public bindTable({ table, access, envVar }: TableBinding): void {
    if (!/^[A-Z][A-Z0-9_]*$/.test(envVar)) {
      throw new Error(`bindTable: envVar must be an UPPER_SNAKE_CASE name, got '${envVar}'`);
    }
    this.function.addEnvironment(envVar, table.tableName);
    // The table ARN only: no index ARNs, so no Query path exists even if an index is added later.
    const statements =
      access === 'getItem'
        ? [new iam.PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [table.tableArn] })]
        : tableGrantStatements(table, access);
    for (const statement of statements) this.role.addToPrincipalPolicy(statement);
  }
}

function validate(id: string, timeout: Duration, memorySize: number): void {
  const seconds = timeout.toSeconds();
  if (seconds < 1 || seconds > 900) {
    throw new Error(`${id}: timeout must be between 1 and 900 seconds, got ${seconds}`);
  }
  if (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10_240) {
    throw new Error(
      `${id}: memorySize must be a whole number of MB between 128 and 10240, got ${memorySize}`,
    );
  }
}
