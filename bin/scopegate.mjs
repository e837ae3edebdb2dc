#!/usr/bin/env node
// `npx scopegate …`: registers tsx so the TypeScript CLI runs as is, then hands over to cli/main.ts.
import { register } from 'tsx/esm/api';

register();
const { main } = await import(new URL('../cli/main.ts', import.meta.url).href);
await main();
