import { Agent } from 'node:http';
import axios from 'axios';
import { DownstreamError, METHOD_OF, resultFrom, urlVariableOf, type Invoker, type OperationService } from '@calc/core';
import { ConfigError, requireEnv } from '@calc/config';

const TIMEOUT_MS = 10_000;

/**
 * Calls each service at the base URL in its environment variable (e.g. MULTIPLICATION_URL=http://multiplication:5003).
 * Throws a ConfigError naming the first variable that is missing or not an http(s) URL.
 */
export function createUrlInvoker(services: readonly OperationService[], env: NodeJS.ProcessEnv = process.env): Invoker {
  const baseUrls = new Map(services.map((service) => [service, baseUrlOf(service, env)]));
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
      const baseUrl = baseUrls.get(service);
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
