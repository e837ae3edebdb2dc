/** `npm start`: runs the whole API locally on DynamoDB Local and a local SES. Ctrl-C stops everything. */
import { localStackOptions, startLocalStack } from '../local/stack.js';
import { welcomeText } from '../local/welcome.js';

try {
  const options = localStackOptions();
  const stack = await startLocalStack(options);
  console.log(welcomeText({ ...stack, dataDir: options.dataDir }));
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the API, the local SES and DynamoDB Local…`);
    await stack.stop();
    process.exit(0);
  };
  void stack.dynamoDied.then(async (output) => {
    console.error(`\nDynamoDB Local stopped unexpectedly.\n${labelledLastOutput(output)}Stopping the stack.`);
    await stack.stop();
    process.exit(1);
  });
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
} catch (error) {
  console.error(`scopegate: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

/** DynamoDB Local's last lines, each marked as its own so they do not read like a restart of ours. */
function labelledLastOutput(output: string): string {
  const lines = output.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length === 0) return '';
  return `DynamoDB Local's last output:\n${lines.map((line) => `dynamodb-local | ${line}\n`).join('')}`;
}
