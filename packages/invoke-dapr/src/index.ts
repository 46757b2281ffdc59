export * from './app-token.js';
export * from './invoker.js';
export * from './settings.js';
