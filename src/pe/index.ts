export { parsePe, rvaToOffset, type ParseOptions } from './parse.js';
export { buildPe, type PeBuildSpec } from './build.js';
export { readVersionInfo } from './version-info.js';
export { imphash } from './imphash.js';
export { parseImageForSection, validateImageForSection, MM_SIZE_OF_LARGEST_IMAGE, type SectionValidationOptions } from './validate.js';
export { WorkBudget, WORK_BASE, WORK_PER_BYTE } from './limits.js';
export type * from './types.js';
