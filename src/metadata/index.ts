export * from './xmlpickle.js';
export * from './descriptor.js';
export * from './value.js';
export * from './typed-json.js';
export * from './schema.js';
export * from './view.js';
