import { KEY_ENVIRONMENTS, type KeyEnvironment } from './key-format.js';

/** Reads a required environment variable; a Lambda missing one fails at cold start, not per request. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`Missing required environment variable ${name}`);
  return value;
}

export function keyEnvironmentFromEnv(): KeyEnvironment {
  const value = requireEnv('KEY_ENVIRONMENT');
  if (!(KEY_ENVIRONMENTS as readonly string[]).includes(value)) {
    throw new Error(`KEY_ENVIRONMENT must be one of ${KEY_ENVIRONMENTS.join(', ')}`);
  }
  return value as KeyEnvironment;
}
