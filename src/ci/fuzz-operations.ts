// The code-integrity steps of the fuzz pipeline (src/pe/fuzz.ts cannot import
// src/ci): the Authenticode image hash and full signature verification.
import type { FuzzOperation } from '../pe/fuzz.js';
import { verifyAuthenticode } from './authenticode.js';
import { authenticodeImageHash } from './image-hash.js';

export const ciOperations: readonly FuzzOperation[] = [
  { name: 'authenticodeImageHash', run: (c, budget) => void authenticodeImageHash(c.bytes, c.image!, 'sha256', { budget }) },
  { name: 'verifyAuthenticode', run: (c, budget) => void verifyAuthenticode(c.bytes, c.image!, { budget }) },
];
