// layer4 public entry point. Each layer re-exports what users may rely on.
export * from './wire/index.js';
export * from './ports/index.js';
