/**
 * The six services: their names (also their Dapr app IDs and Kubernetes names),
 * the one route each operation service serves, and the article's default ports.
 */
export const OPERATION_SERVICES = ['addition', 'subtraction', 'multiplication', 'division', 'percentage'] as const;
export type OperationService = (typeof OPERATION_SERVICES)[number];
export const ALL_SERVICES = [...OPERATION_SERVICES, 'mathfanboy'] as const;
export type ServiceName = (typeof ALL_SERVICES)[number];

/** The method (route without its slash) each service answers on, e.g. POST /add. */
export const METHOD_OF: Record<OperationService, string> = {
  addition: 'add',
  subtraction: 'subtract',
  multiplication: 'multiply',
  division: 'divide',
  percentage: 'percentage',
};

/** Ports of the article's Kubernetes Services (5001–5005); the local demo uses them too. */
export const DEFAULT_PORT: Record<ServiceName, number> = {
  addition: 5001,
  division: 5002,
  multiplication: 5003,
  subtraction: 5004,
  percentage: 5005,
  mathfanboy: 5006,
};

/** The environment variable that carries a service's base URL in the mesh-agnostic set. */
export function urlVariableOf(service: OperationService): string {
  return `${service.toUpperCase()}_URL`;
}

/** Every service is built twice: Dapr-aware (calls through daprd) and mesh-agnostic (calls URLs); each set's entry point is dist/<set>.js. */
export type ServiceSet = 'dapr' | 'agnostic';

/** The Redis key percentage increments once per call it serves, when it is given REDIS_URL. */
export const PERCENTAGE_CALLS_KEY = 'percentage:calls';
