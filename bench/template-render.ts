/**
 * `npx tsx bench/template-render.ts`: a 20 KB template with 50 variables, checked as at save time
 * (sourceProblems) and composed as at send time (prepareSources, resolveVariables, renderSources), in
 * process. Prints p50/p99 per step. Standalone so it can run without DynamoDB Local or bundling.
 */
import {
  prepareSources,
  renderSources,
  resolveVariables,
  sourceProblems,
  type VariableDeclaration,
} from '../lambdas/templates/render.js';
import { elapsedNs, round, summarise } from './stats.js';

const ITERATIONS = 2_000;
const WARMUP = 200;
const VARIABLES = 50;
const TARGET_BYTES = 20 * 1024;

const declarations: VariableDeclaration[] = Array.from({ length: VARIABLES }, (_, index) => ({
  key: `var${index}`,
  type: index % 10 === 0 ? 'boolean' : 'string',
  ...(index % 3 === 0 ? { fallback: index % 10 === 0 ? false : `fallback ${index}` } : {}),
}));

/** Paragraphs using every variable in turn, with a section every tenth, until the html is 20 KB. */
function buildHtml(): string {
  const parts: string[] = ['<html><body>'];
  for (let index = 0; parts.join('').length < TARGET_BYTES; index++) {
    const key = `var${index % VARIABLES}`;
    parts.push(
      index % 10 === 0
        ? `{{#${key}}}<p class="vip">Thanks for being with us.</p>{{/${key}}}`
        : `<p>Dear {{${key}}}, here is paragraph ${index} of your weekly summary &amp; news.</p>`,
    );
  }
  parts.push('</body></html>');
  return parts.join('');
}

const sources = { subject: 'Your summary, {{var1}}', html: buildHtml(), text: 'Hello {{var1}}, {{var2}}' };
const given = Object.fromEntries(
  declarations.map(({ key, type }) => [key, type === 'boolean' ? true : `<value of ${key} & "more">`]),
);

function measure(run: () => unknown): ReturnType<typeof summarise> {
  for (let index = 0; index < WARMUP; index++) run();
  const samples = new Float64Array(ITERATIONS);
  for (let index = 0; index < ITERATIONS; index++) {
    const start = process.hrtime.bigint();
    run();
    samples[index] = elapsedNs(start);
  }
  return summarise(samples);
}

const check = measure(() => {
  if (sourceProblems(sources, declarations).length > 0) throw new Error('the bench template is invalid');
});
const compose = measure(() => {
  const prepared = prepareSources(sources);
  const resolved = resolveVariables(declarations, given, prepared.used, 'template.variables');
  return renderSources(prepared, resolved.values);
});

const ms = (ns: number) => round(ns / 1e6, 3);
console.log(`template: html ${sources.html.length} bytes, ${VARIABLES} variables, ${ITERATIONS} iterations`);
for (const [name, latency] of [
  ['save-time check (parse + walk)', check],
  ['send-time compose (parse + resolve + render)', compose],
] as const) {
  console.log(`${name}: p50 ${ms(latency.p50Ns)} ms, p99 ${ms(latency.p99Ns)} ms`);
}
