export * from './app.js';
export * from './config.js';
export * from './log.js';
export * from './compose.js';
export * from './server.js';
export * from './settings.js';
export * from './call-counter.js';
