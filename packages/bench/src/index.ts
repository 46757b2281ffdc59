// What the cluster's benchmark (e2e/src/bench) shares with make bench: the method, the report, the generator's types.
export * from './analysis.js';
export * from './loadgen.js';
export * from './method.js';
export * from './paired-report.js';
export * from './resources.js';
