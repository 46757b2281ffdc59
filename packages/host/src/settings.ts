import { choiceFromEnv, numberFromEnv, portFromEnv } from '@calc/config';
import { DEFAULT_PORT, FANBOY_FORMATS, type FanBoyFormat, type ServiceName } from '@calc/core';
import { redisAddressOf, type RedisAddress } from './call-counter.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Everything a service takes from its environment, apart from its variant's edge's (the peers' URLs,
 * Dapr's app API token): read and checked once, at start-up, so a bad value stops the service with
 * one line naming the variable, before anything listens.
 */
export interface ServiceSettings {
  /** PORT: default the article's port of the service; 0 picks a free one. */
  port: number;
  /** HOST: the interface to listen on, default 0.0.0.0. */
  host: string;
  /** LOG_LEVEL: default info. */
  logLevel: LogLevel;
  /** percentage only. PERCENTAGE_FAULT_RATE: the probability of the deliberate zero divisor, default 0.5. */
  faultRate?: number;
  /** percentage only. REDIS_URL (`redis://host:port`): where it counts its calls; unset, it counts nothing. */
  redis?: RedisAddress;
  /** MathFanBoy only. MATHFANBOY_INTERVAL_MS (default 1000), MATHFANBOY_SUMMARY_EVERY (10; 0: only on exit), MATHFANBOY_FORMAT (text or json). */
  fanboy?: { intervalMs: number; summaryEvery: number; format: FanBoyFormat };
}

export function readSettings(service: ServiceName, env: NodeJS.ProcessEnv = process.env): ServiceSettings {
  const settings: ServiceSettings = {
    port: portFromEnv(DEFAULT_PORT[service], env),
    host: env.HOST?.trim() || '0.0.0.0',
    logLevel: choiceFromEnv('LOG_LEVEL', LOG_LEVELS, 'info', env),
  };
  if (service === 'percentage') {
    settings.faultRate = numberFromEnv('PERCENTAGE_FAULT_RATE', 0.5, 0, 1, env);
    const redis = env.REDIS_URL?.trim();
    if (redis) settings.redis = redisAddressOf(redis);
  }
  if (service === 'mathfanboy') {
    settings.fanboy = {
      intervalMs: numberFromEnv('MATHFANBOY_INTERVAL_MS', 1000, 1, 3_600_000, env),
      summaryEvery: numberFromEnv('MATHFANBOY_SUMMARY_EVERY', 10, 0, 1_000_000, env),
      format: choiceFromEnv('MATHFANBOY_FORMAT', FANBOY_FORMATS, 'text', env),
    };
  }
  return settings;
}
