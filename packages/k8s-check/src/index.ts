export * from './render.js';
export * from './schemas.js';
export * from './validate.js';
export * from './overlays.js';
export * from './stand-ins.js';
export * from './linkerd-output.js';
export * from './kind-pins.js';
