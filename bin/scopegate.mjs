#!/usr/bin/env node
// `npx scopegate …`: registers tsx so the TypeScript CLI runs as is, then hands over to cli/main.ts.
import { register } from 'tsx/esm/api';

// The CLI is for operators' machines: the SDK's Node version notice would only add noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import(new URL('../cli/main.ts', import.meta.url).href);
await main();
