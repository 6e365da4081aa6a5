// See a run: the timeline model, the self-contained HTML page and the Chrome
// Trace Event (Perfetto) file (docs/report.md).
export * from './timeline.js';
export { decodeProperties, hex32, propertiesShort, signatureTypeName, signingLevelName, type DecodedProperties } from './properties.js';
export { renderHtml } from './html.js';
export { renderTrace, type TraceEvent, type TraceFile } from './trace.js';
export { validateTrace } from './trace-validate.js';
export { escapeAttr, escapeText, jsonForScript, visibleText } from './escape.js';
