// The package root: `dist/index.js` re-exports the public API (shared/spec/API.md).
export * from './src/index.js';
