// Types of the ESM entry point: those of the CommonJS build it re-exports.
export * from '../dist/server/index.js';
