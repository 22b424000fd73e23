export * from './xmlpickle.js';
