/**
 * Synthesis and template-reading helpers for the CDK tests. Assertions read the CloudFormation
 * template itself (paths, policies, settings), so they hold whatever the constructs do internally.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { inject } from 'vitest';
import { ScopegateStack, type ScopegateStackProps } from '../../lib/scopegate-stack.js';

/** Skips asset bundling: template assertions do not need the bundles (bundling.test.ts builds them). */
export const NO_BUNDLING_CONTEXT = { 'aws:cdk:bundling-stacks': [] };

/**
 * The context `cdk synth` gets from cdk.json, feature flags included: the flags change resources
 * (IAM policy layout, log destinations, logical IDs), so tests synthesise with exactly these.
 */
export const CDK_JSON_CONTEXT: Readonly<Record<string, unknown>> = readCdkJsonContext();

function readCdkJsonContext(): Record<string, unknown> {
  const cdkJson: unknown = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'));
  const context = (cdkJson as { context?: unknown }).context;
  if (typeof context !== 'object' || context === null || Array.isArray(context)) {
    throw new Error('cdk.json has no "context" object');
  }
  return context as Record<string, unknown>;
}

/**
 * A fresh cloud assembly folder inside this run's temporary folder, which the global teardown
 * removes: an App left to pick its own would leave a `cdk.out*` folder in the system temp per App.
 */
export function assemblyDirectory(): string {
  return mkdtempSync(join(inject('testTempDir'), 'cdk.out-'));
}

/**
 * An App for tests, with cdk.json's context. aws-cdk-lib's built-in CloudFormation schema validation
 * costs seconds per process and checks aws-cdk-lib rather than us, so it is off here (`cdk synth`
 * still runs it).
 */
export function testApp(options: { bundle?: boolean; context?: Record<string, unknown> } = {}): App {
  return new App({
    outdir: assemblyDirectory(),
    context: { ...CDK_JSON_CONTEXT, ...(options.bundle ? {} : NO_BUNDLING_CONTEXT), ...options.context },
    builtinCloudFormationValidation: false,
  });
}

export interface Synthesized {
  readonly app: App;
  readonly stack: ScopegateStack;
  readonly template: Template;
}

export function synthesize(props: ScopegateStackProps = {}, options: { bundle?: boolean } = {}): Synthesized {
  const app = testApp(options);
  const stack = new ScopegateStack(app, 'Test', props);
  return { app, stack, template: Template.fromStack(stack) };
}

export interface CfnResource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

export function resourcesOfType(template: Template, type: string): Record<string, CfnResource> {
  return template.findResources(type) as Record<string, CfnResource>;
}

export function logicalIdOf(construct: IConstruct): string {
  const element = construct.node.defaultChild ?? construct;
  return Stack.of(construct).getLogicalId(element as CfnElement);
}

/** The Properties of the CloudFormation resource behind a construct; throws if it is not in the template. */
export function propertiesOf(
  template: Template,
  type: string,
  construct: IConstruct,
): Record<string, unknown> {
  const resource = resourcesOfType(template, type)[logicalIdOf(construct)];
  if (!resource) throw new Error(`No ${type} for ${construct.node.path} in the template`);
  return resource.Properties;
}

export interface PolicyStatement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

export const actionsOf = (statement: PolicyStatement): string[] =>
  typeof statement.Action === 'string' ? [statement.Action] : statement.Action;

export const resourcesOf = (statement: PolicyStatement): unknown[] =>
  Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];

/** Every statement that applies to the role: its attached AWS::IAM::Policy documents and inline policies. */
export function roleStatements(template: Template, roleLogicalId: string): PolicyStatement[] {
  const role = resourcesOfType(template, 'AWS::IAM::Role')[roleLogicalId];
  if (!role) throw new Error(`No role ${roleLogicalId} in the template`);
  const inline = (role.Properties.Policies ?? []) as { PolicyDocument: { Statement: PolicyStatement[] } }[];
  const attached = Object.values(resourcesOfType(template, 'AWS::IAM::Policy'))
    .filter((policy) =>
      JSON.stringify(policy.Properties.Roles).includes(JSON.stringify({ Ref: roleLogicalId })),
    )
    .map((policy) => policy.Properties.PolicyDocument as { Statement: PolicyStatement[] });
  return [...inline.map((policy) => policy.PolicyDocument), ...attached].flatMap(
    (document) => document.Statement,
  );
}

/** `{ "Fn::GetAtt": [id, "Arn"] }`, as CloudFormation references a resource's ARN. */
export const arnOf = (logicalId: string): unknown => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

/** `METHOD /full/path` for every AWS::ApiGateway::Method, following the Resource ParentId chain. */
export function methodRoutes(template: Template): { route: string; method: CfnResource }[] {
  const resources = resourcesOfType(template, 'AWS::ApiGateway::Resource');
  const pathOf = (reference: unknown): string => {
    const parentId = (reference as { Ref?: string }).Ref;
    // Anything but a Ref is `Fn::GetAtt [RestApi, RootResourceId]`: the root.
    if (parentId === undefined) return '';
    const resource = resources[parentId];
    if (!resource) throw new Error(`Method or resource refers to unknown resource ${parentId}`);
    return `${pathOf(resource.Properties.ParentId)}/${String(resource.Properties.PathPart)}`;
  };
  return Object.values(resourcesOfType(template, 'AWS::ApiGateway::Method')).map((method) => ({
    route: `${String(method.Properties.HttpMethod)} ${pathOf(method.Properties.ResourceId) || '/'}`,
    method,
  }));
}

/**
 * A job run by its EventBridge schedule (lib/job-schedule.ts): the rule at `rate` targets the
 * function with two retries and events kept `maxEventAgeSeconds`, and only that rule may invoke it.
 */
export function expectScheduledJob(
  template: Template,
  job: { readonly function: IConstruct; readonly schedule: IConstruct },
  rate: string,
  maxEventAgeSeconds: number,
): void {
  template.hasResourceProperties('AWS::Events::Rule', {
    ScheduleExpression: rate,
    State: 'ENABLED',
    Targets: [
      {
        Arn: arnOf(logicalIdOf(job.function)),
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: maxEventAgeSeconds },
      },
    ],
  });
  template.hasResourceProperties('AWS::Lambda::Permission', {
    Action: 'lambda:InvokeFunction',
    Principal: 'events.amazonaws.com',
    FunctionName: arnOf(logicalIdOf(job.function)),
    SourceArn: arnOf(logicalIdOf(job.schedule)),
  });
}
