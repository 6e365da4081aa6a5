#!/usr/bin/env node
// The `psnotify` executable (package.json "bin"); `node dist/src/cli/main.js` works too.
import { runAsProgram } from './main.js';

await runAsProgram();
