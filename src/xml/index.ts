export * from './dom.js';
export * from './encoding.js';
export * from './tree.js';
export * from './namespaces.js';
export * from './canonical.js';
export * from './codecs.js';
export * from './names.js';
