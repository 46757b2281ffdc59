/** A configuration problem found at start-up: the message names the variable and what it should hold. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_ERROR';

  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export function requireEnv(name: string, hint: string, env: Env = process.env): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(`${name} is not set: ${hint}`);
  return value;
}

/** A number from the environment within [min, max], or the default when unset. */
export function numberFromEnv(name: string, fallback: number, min: number, max: number, env: Env = process.env): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(`${name}=${JSON.stringify(raw)} is not a number between ${min} and ${max}`);
  }
  return value;
}

/** One of `choices` from the environment, or the default when unset. */
export function choiceFromEnv<T extends string>(name: string, choices: readonly T[], fallback: T, env: Env = process.env): T {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!(choices as readonly string[]).includes(raw)) throw new ConfigError(`${name}=${JSON.stringify(raw)} is not one of ${choices.join(', ')}`);
  return raw as T;
}

export function portFromEnv(fallback: number, env: Env = process.env): number {
  const port = numberFromEnv('PORT', fallback, 0, 65535, env);
  if (!Number.isInteger(port)) throw new ConfigError(`PORT=${env.PORT} is not a whole number`);
  return port;
}
