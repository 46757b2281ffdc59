export * from './claims.js';
export * from './matrix.js';
export * from './observation.js';
