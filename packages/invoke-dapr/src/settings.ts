import type { Invoker } from '@calc/core';
import { numberFromEnv } from '@calc/config';
import type { RequestHandler } from 'express';
import { appTokenGuard } from './app-token.js';
import { createDaprInvoker, daprClient } from './invoker.js';

/** What the Dapr-aware variant takes from the environment daprd's injector gives every app. */
export interface DaprSettings {
  /** APP_API_TOKEN: when set, the app answers only calls carrying it (see app-token.ts). */
  appToken?: string;
  /** DAPR_HTTP_PORT: the local daprd's HTTP port, default 3500. */
  httpPort: number;
}

export function readDaprSettings(env: NodeJS.ProcessEnv = process.env): DaprSettings {
  return { appToken: env.APP_API_TOKEN || undefined, httpPort: numberFromEnv('DAPR_HTTP_PORT', 3500, 1, 65535, env) };
}

/**
 * The Dapr-aware variant's edge: its settings, its transport (through the local daprd), and the app
 * token guard. Given to the service's composition root, which reads the settings with its own.
 */
export const daprEdge: {
  settings: (env: NodeJS.ProcessEnv) => DaprSettings;
  invoker: (settings: DaprSettings) => Invoker;
  guard: (settings: DaprSettings) => RequestHandler | undefined;
} = {
  settings: readDaprSettings,
  invoker: (settings: DaprSettings) => createDaprInvoker(daprClient(settings.httpPort)),
  guard: (settings: DaprSettings) => appTokenGuard(settings.appToken),
};
