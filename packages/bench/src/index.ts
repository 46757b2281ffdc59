export * from './analysis.js';
export * from './loadgen.js';
export * from './report.js';
