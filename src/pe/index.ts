// The PE component's surface: reading (parsePe, the section checks of
// NtCreateSection, version resources, imphash), building images (buildPe), and
// the work budgets that bound every parse by the input's size.
export { parsePe, rvaToOffset, type ParseOptions } from './parse.js';
export { buildPe, type PeBuildSpec } from './build.js';
export { readVersionInfo } from './version-info.js';
export { imphash } from './imphash.js';
export { parseImageForSection, validateImageForSection, MM_SIZE_OF_LARGEST_IMAGE, type SectionValidationOptions } from './validate.js';
export { WorkBudget, WORK_BASE, WORK_PER_BYTE } from './limits.js';
export type * from './types.js';
