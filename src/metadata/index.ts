export * from './xmlpickle.js';
export * from './descriptor.js';
