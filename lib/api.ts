/**
 * The REST API, built from the route table: one resource path and method per route, each behind the
 * API key authorizer and proxied to its service's Lambda, and one gateway response per row of
 * GATEWAY_RESPONSES so that API Gateway's own errors have the same bodies as the handlers'. The only
 * methods without the authorizer are PUBLIC_FILE_PATHS' GETs, to the static-file Lambda, and the
 * unsubscribe pages (UNSUBSCRIBE_PAGES), whose signed token is their credential.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ACCESS_LOG_FORMAT as ACCESS_LOG_FIELDS } from '../lambdas/api/access-log-format.js';
import { GATEWAY_RESPONSES, gatewayResponseTemplate } from '../lambdas/api/gateway-responses.js';
import { ROUTES, type Route, type Service } from '../lambdas/api/routes.js';
import { UNSUBSCRIBE_PAGES } from '../lambdas/unsubscribe/paths.js';

export interface ApiProps {
  /** Attached to every method: no route is reachable without a valid key. */
  readonly authorizer: apigateway.IAuthorizer;
  /** The Lambda behind each service of the route table. */
  readonly services: Readonly<Record<Service, lambda.IFunction>>;
  /**
   * Serves PUBLIC_FILE_PATHS (the dashboard, the OpenAPI document) without the authorizer.
   * @default - no public files
   */
  readonly publicFiles?: lambda.IFunction;
  /**
   * Serves UNSUBSCRIBE_PAGES (GET and POST /u/{token}) without the authorizer: the signed token is
   * the credential (lambdas/unsubscribe/pages.ts).
   * @default - no unsubscribe pages
   */
  readonly unsubscribePages?: lambda.IFunction;
  /** @default ROUTES */
  readonly routes?: readonly Route[];
  /** @default 'prod' */
  readonly stageName?: string;
  /**
   * Steady-state requests per second for the whole stage.
   * @default 100
   */
  readonly throttlingRateLimit?: number;
  /**
   * Requests API Gateway may take in a burst above the rate.
   * @default 200
   */
  readonly throttlingBurstLimit?: number;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly accessLogRetention?: logs.RetentionDays;
  /**
   * API Gateway refuses access logging in a region until the account-wide setting names a CloudWatch
   * role. When true the stack creates that role and sets it (kept when the stack is deleted, since
   * other APIs may rely on it); set false where the account already has one.
   * @default true
   */
  readonly manageCloudWatchRole?: boolean;
}

/** The paths served without a key, all GET, all by the static-file Lambda (lib/dashboard-site.ts). */
export const PUBLIC_FILE_PATHS = ['/dashboard', '/dashboard/{file+}', '/openapi.json'] as const;

/**
 * One JSON object per request, in the format the usage pipeline reads (lambdas/api/access-log-format.ts).
 * Never the Authorization header: it holds the secret key.
 */
const ACCESS_LOG_FORMAT = apigateway.AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS));

export class Api extends Construct {
  public readonly restApi: apigateway.RestApi;
  public readonly accessLogGroup: logs.LogGroup;
  /** The GETs of PUBLIC_FILE_PATHS and the unsubscribe pages: the only methods without the authorizer. */
  public readonly publicMethods: apigateway.Method[] = [];

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const routes = props.routes ?? ROUTES;
    const stageName = props.stageName ?? 'prod';
    const rate = props.throttlingRateLimit ?? 100;
    const burst = props.throttlingBurstLimit ?? 200;
    validate(routes, stageName, rate, burst);

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    this.restApi = new apigateway.RestApi(this, 'RestApi', {
      description: 'scopegate messaging API: every /v1 method behind the API key authorizer',
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      // Access logging needs the account-wide API Gateway CloudWatch role (a fresh account has none).
      ...(props.manageCloudWatchRole === false
        ? { cloudWatchRole: false }
        : { cloudWatchRole: true, cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN }),
      deployOptions: {
        stageName,
        accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: ACCESS_LOG_FORMAT,
        tracingEnabled: true,
        throttlingRateLimit: rate,
        throttlingBurstLimit: burst,
      },
    });

    // One proxy integration per service, shared by its routes, and one invoke permission per service
    // for this API's own methods (its execute-api ARN): a permission per method would be one
    // CloudFormation resource per route (144 with the drop-in surfaces), and CloudFormation holds a
    // stack to 500 resources. Only this API's methods can invoke, and each names its own service.
    const integrations = new Map<Service, apigateway.LambdaIntegration>();
    for (const route of routes) {
      const integration =
        integrations.get(route.service) ??
        new apigateway.LambdaIntegration(props.services[route.service], { scopePermissionToMethod: false });
      integrations.set(route.service, integration);
      this.restApi.root.resourceForPath(route.path).addMethod(route.method, integration, {
        authorizer: props.authorizer,
        authorizationType: apigateway.AuthorizationType.CUSTOM,
      });
    }

    // CDK scopes each service's one permission to any stage of the API: narrow it to the deployed
    // stage (no test invocations from the console either).
    const stageArn = this.restApi.arnForExecuteApi('*', '/*', this.restApi.deploymentStage.stageName);
    for (const permission of this.restApi.node.findAll()) {
      if (
        permission instanceof lambda.CfnPermission &&
        permission.node.id.startsWith('ApiPermission.ApiScoped.')
      ) {
        permission.sourceArn = stageArn;
      }
    }

    if (props.publicFiles) {
      const files = new apigateway.LambdaIntegration(props.publicFiles, { allowTestInvoke: false });
      for (const path of PUBLIC_FILE_PATHS) {
        this.publicMethods.push(
          this.restApi.root.resourceForPath(path).addMethod('GET', files, {
            authorizationType: apigateway.AuthorizationType.NONE,
          }),
        );
      }
    }

    if (props.unsubscribePages) {
      const pages = new apigateway.LambdaIntegration(props.unsubscribePages, { allowTestInvoke: false });
      for (const { method, path } of UNSUBSCRIBE_PAGES) {
        this.publicMethods.push(
          this.restApi.root.resourceForPath(path).addMethod(method, pages, {
            authorizationType: apigateway.AuthorizationType.NONE,
          }),
        );
      }
    }

    for (const spec of GATEWAY_RESPONSES) {
      this.restApi.addGatewayResponse(spec.type, {
        type: apigateway.ResponseType.of(spec.type),
        statusCode: spec.status === undefined ? undefined : String(spec.status),
        responseHeaders: { 'Content-Type': "'application/json'" },
        templates: { 'application/json': gatewayResponseTemplate(spec) },
      });
    }
  }

  /** The stage's invoke URL, ending in `/`. */
  public get url(): string {
    return this.restApi.url;
  }
}

function validate(routes: readonly Route[], stageName: string, rate: number, burst: number): void {
  if (routes.length === 0) {
    throw new Error('Api: the route table is empty; API Gateway needs at least one method');
  }
  const keys = routes.map(({ method, path }) => `${method} ${path}`);
  const duplicate = keys.find((key, index) => keys.indexOf(key) !== index);
  if (duplicate) throw new Error(`Api: route ${duplicate} appears twice in the route table`);
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(stageName)) {
    throw new Error(`Api: stageName may hold only letters, digits, '-' and '_', got '${stageName}'`);
  }
  if (!(rate > 0) || !Number.isFinite(rate)) {
    throw new Error(`Api: throttlingRateLimit must be a positive number of requests per second, got ${rate}`);
  }
  if (!Number.isInteger(burst) || burst < 1) {
    throw new Error(`Api: throttlingBurstLimit must be a positive whole number of requests, got ${burst}`);
  }
}
