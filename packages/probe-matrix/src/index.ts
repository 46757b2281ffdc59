export * from './fanboy-oracle.js';
export * from './versions.js';
export * from './addressing.js';
export * from './claims.js';
export * from './linkerd.js';
export * from './matrix.js';
export * from './observation.js';
export * from './report.js';
