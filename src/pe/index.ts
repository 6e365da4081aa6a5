export { parsePe, rvaToOffset } from './parse.js';
export { buildPe, type PeBuildSpec } from './build.js';
export { readVersionInfo } from './version-info.js';
export { imphash } from './imphash.js';
export type * from './types.js';
