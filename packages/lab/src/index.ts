// Building blocks of the local lab, reused by the benchmark.
export * from './dapr-variant.js';
export * from './errors.js';
export * from './mesh-proxy.js';
export * from './network.js';
export * from './pki.js';
export * from './pods.js';
export * from './shell.js';
export * from './tools.js';
export { APP_PORT, BENCH_SUBNET, PREFIX, daprHostOf, hostsFile, podAddress, serviceAddress, type PodRef } from './topology.js';
export * from './mesh-sidecar.js';
export * from './root.js';
export * from './interrupt.js';
export * from './workload-user.js';
