import { Agent } from 'node:http';
import axios from 'axios';
import { DownstreamError, METHOD_OF, resultFrom, urlVariableOf, type Invoker, type OperationService } from '@calc/core';
import { ConfigError, requireEnv } from '@calc/config';

const TIMEOUT_MS = 10_000;

/** The base URL of each service this one calls, e.g. { multiplication: 'http://multiplication:80' }. */
export type PeerUrls = Partial<Record<OperationService, string>>;

/**
 * The mesh-agnostic variant's edge for a service that calls others: its settings (one URL per peer)
 * and its transport. Given to the service's composition root, which reads the settings with its own.
 */
export function urlEdge(peers: readonly OperationService[]) {
  return { settings: (env: NodeJS.ProcessEnv) => readPeerUrls(peers, env), invoker: createUrlInvoker };
}

/**
 * Reads each peer's base URL from its variable (e.g. MULTIPLICATION_URL=http://multiplication:80).
 * Throws a ConfigError naming the first variable that is missing or not an http(s) URL.
 */
export function readPeerUrls(peers: readonly OperationService[], env: NodeJS.ProcessEnv = process.env): PeerUrls {
  return Object.fromEntries(peers.map((service) => [service, baseUrlOf(service, env)]));
}

/** Calls each service at its base URL: POST <URL>/<method>. */
export function createUrlInvoker(baseUrls: PeerUrls): Invoker {
  const http = axios.create({
    timeout: TIMEOUT_MS,
    httpAgent: new Agent({ keepAlive: true }),
    // Every status is an answer to inspect, not an exception.
    validateStatus: () => true,
    // Keep the transport plain: no proxy taken from the environment, and no redirect following (a
    // service answers, it never redirects): axios then calls node:http directly instead of through
    // follow-redirects, which wraps and buffers every request (less memory per call under load).
    proxy: false,
    maxRedirects: 0,
  });

  return {
    async call(service, operands) {
      const baseUrl = baseUrls[service];
      if (!baseUrl) throw new DownstreamError(service, undefined, undefined, `no URL configured for ${service}`);
      const response = await http.post(`${baseUrl}/${METHOD_OF[service]}`, operands).catch((error: unknown) => {
        throw new DownstreamError(service, undefined, undefined, (error as Error).message);
      });
      if (response.status !== 200) {
        throw new DownstreamError(service, response.status, response.data, `${service} answered ${response.status}`);
      }
      return resultFrom(service, response.data);
    },
  };
}

function baseUrlOf(service: OperationService, env: NodeJS.ProcessEnv): string {
  const name = urlVariableOf(service);
  const value = requireEnv(name, `the base URL of ${service}, e.g. http://${service}:80`, env);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name}=${JSON.stringify(value)} is not a URL (expected e.g. http://${service}:80)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${name}=${JSON.stringify(value)} must be an http:// or https:// URL`);
  }
  return value.replace(/\/+$/, '');
}
