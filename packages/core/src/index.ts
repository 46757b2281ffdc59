export * from './arithmetic.js';
export * from './catalogue.js';
export * from './errors.js';
export * from './fanboy.js';
export * from './invoker.js';
export * from './operands.js';
export * from './percentage.js';
