/**
 * The REST API: exactly the route table, every /v1 method behind the key authorizer, the public files
 * (dashboard, OpenAPI document) the only methods without it, the documented error bodies.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_RESPONSES, gatewayResponseTemplate } from '../../../lambdas/api/gateway-responses.js';
import { ROUTES, routeKey } from '../../../lambdas/api/routes.js';
import { UNSUBSCRIBE_PAGES } from '../../../lambdas/unsubscribe/paths.js';
import { PUBLIC_FILE_PATHS } from '../../../lib/api.js';
import { DOCUMENTED_BODIES } from '../../support/documented-bodies.js';
import {
  arnOf,
  logicalIdOf,
  methodRoutes,
  resourcesOfType,
  type Synthesized,
  synthesize,
} from '../template.js';

let synthesized: Synthesized;
beforeAll(() => {
  synthesized = synthesize();
});

const PUBLIC_ROUTES = PUBLIC_FILE_PATHS.map((path) => routeKey('GET', path));
/** GET and POST /u/{token}: public, their signed token the only credential. */
const UNSUBSCRIBE_ROUTES: string[] = UNSUBSCRIBE_PAGES.map(({ method, path }) => routeKey(method, path));
/** The methods of the route table: everything but the public files and the unsubscribe pages. */
const apiMethods = () =>
  methodRoutes(synthesized.template).filter(
    ({ route }) => !PUBLIC_ROUTES.includes(route) && !UNSUBSCRIBE_ROUTES.includes(route),
  );

describe('routes', () => {
  it('creates exactly one method per route of the route table, the public files and the unsubscribe pages, and nothing else', () => {
    const routes = methodRoutes(synthesized.template).map(({ route }) => route);

    expect(routes.toSorted()).toEqual(
      [
        ...ROUTES.map((route) => routeKey(route.method, route.path)),
        ...PUBLIC_ROUTES,
        ...UNSUBSCRIBE_ROUTES,
      ].toSorted(),
    );
    expect(UNSUBSCRIBE_ROUTES.toSorted()).toEqual(['GET /u/{token}', 'POST /u/{token}']);
    expect(PUBLIC_ROUTES.toSorted()).toEqual([
      'GET /dashboard',
      'GET /dashboard/{file+}',
      'GET /openapi.json',
    ]);
  });

  it('leaves only the public files (GETs, to the static-file Lambda) and the unsubscribe pages (to their own Lambda) without the authorizer', () => {
    const open = methodRoutes(synthesized.template).filter(
      ({ method }) => method.Properties.AuthorizationType !== 'CUSTOM',
    );
    const filesFunction = logicalIdOf(synthesized.stack.dashboard.handler.function);
    const pagesFunction = logicalIdOf(synthesized.stack.unsubscribePages.handler.function);

    expect(open.map(({ route }) => route).toSorted()).toEqual(
      [...PUBLIC_ROUTES, ...UNSUBSCRIBE_ROUTES].toSorted(),
    );
    for (const { route, method } of open) {
      const integration = method.Properties.Integration as { Type: string; Uri: unknown };
      expect({ route, type: method.Properties.AuthorizationType, integration: integration.Type }).toEqual({
        route,
        type: 'NONE',
        integration: 'AWS_PROXY',
      });
      const uri = JSON.stringify(integration.Uri);
      const [expected, other] = UNSUBSCRIBE_ROUTES.includes(route)
        ? [pagesFunction, filesFunction]
        : [filesFunction, pagesFunction];
      expect(uri).toContain(expected);
      expect(uri).not.toContain(other);
    }
    // No /v1 path reaches the static-file Lambda.
    for (const { route, method } of apiMethods()) {
      expect({ route, files: JSON.stringify(method.Properties.Integration).includes(filesFunction) }).toEqual(
        {
          route,
          files: false,
        },
      );
    }
  });

  it('puts every method behind the API key authorizer', () => {
    const authorizers = resourcesOfType(synthesized.template, 'AWS::ApiGateway::Authorizer');
    const [authorizerId, ...others] = Object.keys(authorizers);

    expect(others).toEqual([]);
    const authorizer = authorizers[authorizerId ?? '']?.Properties;
    expect(authorizer?.Type).toBe('REQUEST');
    expect(authorizer?.RestApiId).toEqual({ Ref: logicalIdOf(synthesized.stack.api.restApi) });
    expect(JSON.stringify(authorizer?.AuthorizerUri)).toContain(
      JSON.stringify(arnOf(logicalIdOf(synthesized.stack.keyAuthorizer.handler.function))),
    );
    for (const { route, method } of apiMethods()) {
      expect({ route, type: method.Properties.AuthorizationType }).toEqual({ route, type: 'CUSTOM' });
      expect({ route, authorizer: method.Properties.AuthorizerId }).toEqual({
        route,
        authorizer: { Ref: authorizerId },
      });
    }
  });

  it("proxies every route to its own service's Lambda", () => {
    const functions = synthesized.stack.services.functions;
    for (const { route, method } of apiMethods()) {
      const service = ROUTES.find(
        (candidate) => routeKey(candidate.method, candidate.path) === route,
      )?.service;
      const integration = method.Properties.Integration as { Type: string; Uri: unknown };

      expect(service).toBeDefined();
      expect(integration.Type).toBe('AWS_PROXY');
      const uri = JSON.stringify(integration.Uri);
      for (const [name, fn] of Object.entries(functions)) {
        expect({ route, name, targeted: uri.includes(logicalIdOf(fn.function)) }).toEqual({
          route,
          name,
          targeted: name === service,
        });
      }
    }
  });

  it("lets API Gateway invoke each service Lambda from this API's deployed stage only, one grant per service", () => {
    const { stack, template } = synthesized;
    const permissions = Object.values(resourcesOfType(template, 'AWS::Lambda::Permission')).filter(
      (permission) =>
        ![
          stack.keyAuthorizer.handler.function,
          stack.dashboard.handler.function,
          stack.unsubscribePages.handler.function,
        ].some(
          (fn) =>
            JSON.stringify(permission.Properties.FunctionName) === JSON.stringify(arnOf(logicalIdOf(fn))),
        ) &&
        // CloudWatch Logs invoking the usage function (test/cdk/lib/usage.test.ts).
        permission.Properties.Principal === 'apigateway.amazonaws.com',
    );
    const granted = permissions.map(({ Properties }) => ({
      principal: Properties.Principal,
      action: Properties.Action,
      functionName: Properties.FunctionName,
      sourceArn: Properties.SourceArn,
    }));
    const services = [...new Set(ROUTES.map((route) => route.service))];

    // One grant per service (a grant per route would pass CloudFormation's 500 resources a stack),
    // on this API's deployed stage: not any stage, not the console's test invocations.
    expect(granted).toHaveLength(services.length);
    expect(granted).toEqual(
      expect.arrayContaining(
        services.map((service) => ({
          principal: 'apigateway.amazonaws.com',
          action: 'lambda:InvokeFunction',
          functionName: arnOf(logicalIdOf(stack.services.functions[service].function)),
          sourceArn: executeApiArn(
            { Ref: logicalIdOf(stack.api.restApi) },
            '/',
            { Ref: logicalIdOf(stack.api.restApi.deploymentStage) },
            '/*/*',
          ),
        })),
      ),
    );
  });

  it("stays well under CloudFormation's 500 resources a stack", () => {
    expect(Object.keys(synthesized.template.toJSON().Resources as object).length).toBeLessThan(450);
  });

  it('lets API Gateway invoke the authorizer Lambda only as this API’s key authorizer', () => {
    const { stack, template } = synthesized;
    const authorizerFunction = arnOf(logicalIdOf(stack.keyAuthorizer.handler.function));
    const grants = Object.values(resourcesOfType(template, 'AWS::Lambda::Permission')).filter(
      (permission) =>
        JSON.stringify(permission.Properties.FunctionName) === JSON.stringify(authorizerFunction),
    );
    const [authorizerId] = Object.keys(resourcesOfType(template, 'AWS::ApiGateway::Authorizer'));

    expect(grants.map(({ Properties }) => Properties)).toEqual([
      {
        Principal: 'apigateway.amazonaws.com',
        Action: 'lambda:InvokeFunction',
        FunctionName: authorizerFunction,
        SourceArn: executeApiArn({ Ref: logicalIdOf(stack.api.restApi) }, '/authorizers/', {
          Ref: authorizerId,
        }),
      },
    ]);
  });

  it('lets API Gateway invoke the unsubscribe Lambda only for GET and POST /u/{token}', () => {
    const { stack, template } = synthesized;
    const functionName = arnOf(logicalIdOf(stack.unsubscribePages.handler.function));
    const granted = Object.values(resourcesOfType(template, 'AWS::Lambda::Permission'))
      .filter(({ Properties }) => JSON.stringify(Properties.FunctionName) === JSON.stringify(functionName))
      .map(({ Properties }) => Properties.SourceArn);

    expect(granted.toSorted()).toEqual(
      UNSUBSCRIBE_PAGES.map(({ method }) =>
        executeApiArn(
          { Ref: logicalIdOf(stack.api.restApi) },
          '/',
          { Ref: logicalIdOf(stack.api.restApi.deploymentStage) },
          `/${method}/u/*`,
        ),
      ).toSorted(),
    );
  });

  it('lets API Gateway invoke the static-file Lambda only for GETs of the public files', () => {
    const { stack, template } = synthesized;
    const functionName = arnOf(logicalIdOf(stack.dashboard.handler.function));
    const granted = Object.values(resourcesOfType(template, 'AWS::Lambda::Permission'))
      .filter(({ Properties }) => JSON.stringify(Properties.FunctionName) === JSON.stringify(functionName))
      .map(({ Properties }) => Properties.SourceArn);

    expect(granted).toHaveLength(PUBLIC_FILE_PATHS.length);
    expect(granted).toEqual(
      expect.arrayContaining(
        PUBLIC_FILE_PATHS.map((path) =>
          executeApiArn(
            { Ref: logicalIdOf(stack.api.restApi) },
            '/',
            { Ref: logicalIdOf(stack.api.restApi.deploymentStage) },
            `/GET${path.replace(/\{[^}]+\}/g, '*')}`,
          ),
        ),
      ),
    );
  });

  it('is a regional REST API without API Gateway API keys', () => {
    const [restApi] = Object.values(resourcesOfType(synthesized.template, 'AWS::ApiGateway::RestApi'));

    expect(restApi?.Properties.EndpointConfiguration).toEqual({ Types: ['REGIONAL'] });
    expect(restApi?.Properties.ApiKeySourceType).toBeUndefined();
    for (const { method } of methodRoutes(synthesized.template))
      expect(method.Properties.ApiKeyRequired).not.toBe(true);
  });
});

describe('gateway responses', () => {
  it('has one gateway response per GATEWAY_RESPONSES row', () => {
    const types = Object.values(
      resourcesOfType(synthesized.template, 'AWS::ApiGateway::GatewayResponse'),
    ).map((response) => response.Properties.ResponseType);

    expect(types.toSorted()).toEqual(GATEWAY_RESPONSES.map((spec) => spec.type).toSorted());
  });

  it.each(GATEWAY_RESPONSES)('renders $type with its status and JSON template', (spec) => {
    synthesized.template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: spec.type,
      StatusCode: spec.status === undefined ? Match.absent() : String(spec.status),
      ResponseTemplates: { 'application/json': gatewayResponseTemplate(spec) },
      ResponseParameters: { 'gatewayresponse.header.Content-Type': "'application/json'" },
    });
  });

  it.each([
    ['UNAUTHORIZED', '401', DOCUMENTED_BODIES.invalid_api_key],
    ['ACCESS_DENIED', '403', '$context.authorizer.errorBody'],
    ['AUTHORIZER_FAILURE', '503', DOCUMENTED_BODIES.authorizer_unavailable],
    ['MISSING_AUTHENTICATION_TOKEN', '404', DOCUMENTED_BODIES.not_found],
  ])('answers %s with %s and the documented error body', (type, status, template) => {
    synthesized.template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: type,
      StatusCode: status,
      ResponseTemplates: { 'application/json': template },
    });
  });

  it.each([
    [
      'DEFAULT_4XX',
      '{"statusCode":null,"name":"validation_error","message":"The request could not be processed.","error_code":"bad_request"}',
    ],
    [
      'DEFAULT_5XX',
      '{"statusCode":null,"name":"application_error","message":"Internal server error.","error_code":"internal_error"}',
    ],
  ])('%s keeps the status API Gateway chose, and its body says statusCode null', (type, template) => {
    synthesized.template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: type,
      StatusCode: Match.absent(),
      ResponseTemplates: { 'application/json': template },
    });
  });
});

describe('stage', () => {
  it('writes a JSON access log line per request to a log group with retention', () => {
    const [stage] = Object.values(resourcesOfType(synthesized.template, 'AWS::ApiGateway::Stage'));
    const setting = stage?.Properties.AccessLogSetting as { DestinationArn: unknown; Format: string };
    const format = JSON.parse(setting.Format) as Record<string, string>;

    // The log group's own ARN, without the `:*` of its GetAtt Arn (feature flag
    // @aws-cdk/aws-apigateway:logGroupDestinationArnWithoutWildcard).
    expect(setting.DestinationArn).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':logs:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          ':log-group:',
          { Ref: logicalIdOf(synthesized.stack.api.accessLogGroup) },
        ],
      ],
    });
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      method: '$context.httpMethod',
      resourcePath: '$context.resourcePath',
      status: '$context.status',
      authorizerError: '$context.authorizer.error',
      principalId: '$context.authorizer.principalId',
    });
    expect(setting.Format).not.toMatch(/Authorization|header/i);
    // The raw path could hold a whole key pasted where an id belongs: only the resource path is kept.
    expect(setting.Format).not.toMatch(/\$context\.path\b/);
    expect(
      resourcesOfType(synthesized.template, 'AWS::Logs::LogGroup')[
        logicalIdOf(synthesized.stack.api.accessLogGroup)
      ]?.Properties.RetentionInDays,
    ).toBe(30);
  });

  it('throttles every method by default and enables X-Ray tracing', () => {
    synthesized.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: true,
      MethodSettings: [
        { HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
      ],
    });
  });

  it('takes the throttling limits from the stack props', () => {
    const custom = synthesize({ throttlingRateLimit: 25, throttlingBurstLimit: 50 });

    custom.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [{ ThrottlingRateLimit: 25, ThrottlingBurstLimit: 50 }],
    });
  });
});

describe('outputs', () => {
  it.each(['ApiUrl', 'ApiKeysTableName', 'DataTableName'])(
    'exports %s under exactly that OutputKey',
    (key) => {
      expect(Object.keys(synthesized.template.findOutputs(key))).toEqual([key]);
    },
  );

  it('points the table outputs at the two tables', () => {
    const { keyStore } = synthesized.stack;

    synthesized.template.hasOutput('ApiKeysTableName', { Value: { Ref: logicalIdOf(keyStore.apiKeys) } });
    synthesized.template.hasOutput('DataTableName', { Value: { Ref: logicalIdOf(keyStore.data) } });
  });
});

describe('account-wide API Gateway CloudWatch role (access logging needs it)', () => {
  it('is created, set on the account and retained by default', () => {
    const accounts = Object.values(resourcesOfType(synthesized.template, 'AWS::ApiGateway::Account'));
    expect(accounts).toHaveLength(1);
    const [account] = accounts;
    expect(account?.Properties.CloudWatchRoleArn).toBeDefined();
    expect(account?.DeletionPolicy).toBe('Retain');
  });

  it('is left alone when the account already has one', () => {
    const { template } = synthesize({ manageApiGatewayCloudWatchRole: false });
    expect(Object.values(resourcesOfType(template, 'AWS::ApiGateway::Account'))).toHaveLength(0);
  });
});

/** `arn:<partition>:execute-api:<region>:<account>:` followed by `parts`, as CloudFormation joins it. */
function executeApiArn(...parts: unknown[]): unknown {
  return {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':execute-api:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        ':',
        ...parts,
      ],
    ],
  };
}
