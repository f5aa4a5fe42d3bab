export * from './tcp-types.js';
