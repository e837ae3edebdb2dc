/** The CDK app: one ScopegateStack, checked by cdk-nag's AwsSolutions pack at every synth. */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readAppConfig } from '../lib/app-config.js';
import { ScopegateStack } from '../lib/scopegate-stack.js';

const app = new App();
const { stackName, ...props } = readAppConfig(app.node);
new ScopegateStack(app, stackName, props);
// cdk-nag v3 runs as a policy validation plugin: an unacknowledged finding fails the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
