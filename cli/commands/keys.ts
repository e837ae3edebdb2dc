/** `scopegate keys …`: thin wrappers over lambdas/account/keys.ts. */
import type { KeyFieldsInput } from '../../lambdas/account/key-input.js';
import { createdKeyJson, keyJson } from '../../lambdas/account/key-metadata.js';
import { createKey, getKey, listKeys, revokeKey, rotateKey, updateKey } from '../../lambdas/account/keys.js';
import type { CommandLine, OptionName } from '../args.js';
import type { Command, CommandContext } from '../command.js';
import { usageError } from '../failure.js';
import { createdKeyText, keyDetails, keyTable } from '../format.js';

const KEY_FIELD_OPTIONS = [
  'name',
  'permission',
  'scopes',
  'allowed-ips',
  'allowed-domains',
  'expires-at',
  'rate-limit',
] as const;

function keyFields(values: CommandLine['values']): KeyFieldsInput {
  return {
    name: values.name,
    permission: values.permission,
    scopes: values.scopes,
    allowedIps: values['allowed-ips'],
    allowedDomains: values['allowed-domains'],
    expiresAt: values['expires-at'],
    rateLimitPerSecond: values['rate-limit'],
    type: values.type,
  };
}

function projectOf({ values, target }: CommandContext): string {
  const projectId = values.project ?? target.defaultProjectId;
  if (projectId === undefined) throw usageError('--project is required with --stack');
  return projectId;
}

function keyIdArg({ args }: CommandContext): string {
  return args[0] ?? '';
}

export const keyCommands: readonly Command[] = [
  {
    words: ['keys', 'create'],
    summary: 'Create an API key and print it (once)',
    args: [],
    options: ['name', 'project', 'type', ...KEY_FIELD_OPTIONS.filter((option) => option !== 'name')],
    required: ['name'],
    async run(context) {
      const { target, output, values } = context;
      const created = await createKey(target.store, { ...keyFields(values), projectId: projectOf(context) });
      output.result(createdKeyJson(created.key, created.metadata), () =>
        createdKeyText(created.key, created.metadata, target.label),
      );
    },
  },
  {
    words: ['keys', 'list'],
    summary: "List a project's keys, newest first (revoked ones included)",
    args: [],
    options: ['project'],
    async run(context) {
      const projectId = projectOf(context);
      const keys = await listKeys(context.target.store, projectId);
      context.output.result({ data: keys.map(keyJson) }, () => keyTable(keys, projectId));
    },
  },
  {
    words: ['keys', 'show'],
    summary: 'Show one key (by id or prefix)',
    args: ['ID'],
    options: [],
    async run(context) {
      const key = await getKey(context.target.store, keyIdArg(context));
      context.output.result(keyJson(key), () => keyDetails(key));
    },
  },
  {
    words: ['keys', 'update'],
    summary: 'Change a key\'s name, access or restrictions ("" clears a list, --expires-at never clears)',
    args: ['ID'],
    options: KEY_FIELD_OPTIONS,
    async run(context) {
      const { values, target, output } = context;
      if (!KEY_FIELD_OPTIONS.some((option: OptionName) => option in values)) {
        throw usageError(
          `nothing to update: give at least one of ${KEY_FIELD_OPTIONS.map((o) => `--${o}`).join(', ')}`,
        );
      }
      const key = await updateKey(target.store, keyIdArg(context), keyFields(values));
      output.result(keyJson(key), () => `Updated API key ${key.id}.\n\n${keyDetails(key)}`);
    },
  },
  {
    words: ['keys', 'rotate'],
    summary:
      'Give a key a new secret (printed once); the old one works for --grace-period seconds (default 86400)',
    args: ['ID'],
    options: ['grace-period'],
    async run(context) {
      const raw = context.values['grace-period'];
      const grace = raw === undefined ? undefined : /^\d{1,6}$/.test(raw.trim()) ? Number(raw) : Number.NaN;
      const rotated = await rotateKey(
        context.target.store,
        keyIdArg(context),
        grace === undefined ? {} : { gracePeriodSeconds: grace },
      );
      context.output.result(createdKeyJson(rotated.key, rotated.metadata), () =>
        createdKeyText(rotated.key, rotated.metadata, context.target.label),
      );
    },
  },
  {
    words: ['keys', 'revoke'],
    summary: 'Revoke a key: it stops working on the next request (idempotent)',
    args: ['ID'],
    options: [],
    async run(context) {
      const { key, alreadyRevoked } = await revokeKey(context.target.store, keyIdArg(context));
      context.output.result(keyJson(key), () =>
        alreadyRevoked
          ? `API key ${key.id} (${key.prefix}) was already revoked at ${key.revokedAt}.`
          : `Revoked API key ${key.id} (${key.prefix}) at ${key.revokedAt}.`,
      );
    },
  },
];
