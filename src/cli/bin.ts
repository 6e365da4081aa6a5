#!/usr/bin/env node
// The `psnotify` executable (package.json "bin"): the command runs in a
// supervised worker thread (src/cli/supervise.ts); `node dist/src/cli/main.js` works too.
import { runAsProgram } from './supervise.js';

await runAsProgram();
