/**
 * cdk-nag's AwsSolutions pack: no unacknowledged error or warning, and every acknowledgement is one
 * we meant to make, with a reason a reviewer can check.
 */
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ScopegateStack } from '../../../lib/scopegate-stack.js';
import { type Synthesized, synthesize, testApp } from '../template.js';

let synthesized: Synthesized;
beforeAll(() => {
  synthesized = synthesize();
});

interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

function acknowledgements(root: IConstruct): Acknowledgement[] {
  const found: Acknowledgement[] = [];
  const visit = (construct: IConstruct): void => {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, unknown>)) {
        found.push({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason: String(reason),
        });
      }
    }
    for (const child of construct.node.children) visit(child);
  };
  visit(root);
  return found;
}

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged error or warning', () => {
    const report = new AwsSolutionsChecks().validateScope(synthesized.stack);
    const findings = report.violations
      .filter((violation) => violation.ruleName.startsWith('AwsSolutions-'))
      .map((violation) => ({
        rule: violation.ruleName,
        severity: violation.severity,
        at: violation.violatingResources.map((resource) => resource.constructPath),
      }));

    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledges only the findings that do not apply by design', () => {
    const ids = acknowledgements(synthesized.stack).map(
      ({ path, id }) => `${path.replace(/^Test\//, '')} ${id}`,
    );

    expect(ids.toSorted()).toEqual(
      [
        'Api/RestApi AwsSolutions-APIG2',
        'Api/RestApi AwsSolutions-APIG3',
        'Api/RestApi AwsSolutions-APIG6',
        'Api/RestApi AwsSolutions-COG4',
        'Api/RestApi/Default/dashboard/GET AwsSolutions-APIG4',
        'Api/RestApi/Default/dashboard/{file+}/GET AwsSolutions-APIG4',
        'Api/RestApi/Default/openapi.json/GET AwsSolutions-APIG4',
        'Api/RestApi/Default/u/{token}/GET AwsSolutions-APIG4',
        'Api/RestApi/Default/u/{token}/POST AwsSolutions-APIG4',
        'Api/RestApi AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        'Services/Sending/Role AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*]',
        'Usage/FailedBatches AwsSolutions-SQS3',
        'Services/Domains/Role AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*]',
        'DomainLapse/Function/Role AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*]',
        'ScheduledEmails/Function/Role AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*]',
        'WebhookDeliveries/FanOutFailures AwsSolutions-SQS3',
        'WebhookDeliveries/FanOut/Role AwsSolutions-IAM5[Resource::*]',
        'BroadcastSending/Sender/Role AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*]',
        'BroadcastSending/Sender/Role AwsSolutions-IAM5[Resource::*]',
      ].toSorted(),
    );
  });

  it('gives every acknowledgement a reason of at least 20 characters', () => {
    for (const { id, reason } of acknowledgements(synthesized.stack)) {
      expect({ id, reasonLength: reason.trim().length >= 20 }).toEqual({ id, reasonLength: true });
    }
  });

  it('fails the synth, as bin/app.ts wires it, when a finding is not acknowledged', () => {
    // Arrange: a stack whose acknowledgements are withheld.
    const app = testApp();
    const acknowledge = Validations.prototype.acknowledge;
    Validations.prototype.acknowledge = () => undefined;
    try {
      new ScopegateStack(app, 'Unacknowledged');
    } finally {
      Validations.prototype.acknowledge = acknowledge;
    }
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

    // Act / Assert
    expect(() => app.synth()).toThrow(/AwsSolutions-COG4/);
  });

  it('lets the synth pass, as bin/app.ts wires it, with the acknowledgements in place', () => {
    const app = testApp();
    new ScopegateStack(app, 'Acknowledged');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

    expect(() => app.synth()).not.toThrow();
  });
});
