export * from './container.js';
export * from './engine.js';
export * from './daprd-image.js';
export * from './network.js';
export * from './logs.js';
