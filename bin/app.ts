/** The CDK app: one ScopegateStack, checked by cdk-nag's AwsSolutions pack at every synth. */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type AppConfig, AppConfigError, readAppConfig } from '../lib/app-config.js';
import { ScopegateStack } from '../lib/scopegate-stack.js';

const app = new App();
const { stackName, ...props } = configOrExit(app);
new ScopegateStack(app, stackName, props);
// cdk-nag v3 runs as a policy validation plugin: an unacknowledged finding fails the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

/**
 * A bad `-c` value is a typo to fix, not a bug to debug: one line naming the setting, exit code 1.
 * Any other error is ours and keeps its stack trace.
 */
function configOrExit(scope: App): AppConfig {
  try {
    return readAppConfig(scope.node);
  } catch (error) {
    if (!(error instanceof AppConfigError)) throw error;
    console.error(`scopegate: ${error.message}`);
    // exit() rather than exitCode: the App synthesises on 'beforeExit', which would write an empty assembly.
    process.exit(1);
  }
}
