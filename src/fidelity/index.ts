// Fidelity: how well the builtin machine predicts what real machines load (issue #13,
// docs/loader.md "Fidelity"): recorded process starts against the same starts on the model.
export { compareRecordings, meetsTargets, TARGETS, type FidelityOptions, type FidelityReport, type GroupReport } from './report.js';
export { recordedStarts, buildOfFileVersion, type RecordedStart } from './recorded.js';
export { imageKey, lcsLength, scoreStart, startSequence, FIRST_N, type StartScore } from './sequence.js';
export { ModelMachines } from './model.js';
