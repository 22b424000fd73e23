export * from './xmlpickle-decode.js';
export * from './xmlpickle-encode.js';
export { XMLPICKLE_TYPES, type XmlpickleType } from './xmlpickle.js';
export * from './descriptor.js';
export * from './value.js';
export * from './typed-json.js';
export * from './schema.js';
export * from './view.js';
