export * from './mesh-set.js';
export * from './process.js';
