import type { NetperfExecutor } from '../model/seams.js';
import { runProcess } from './process.js';

/** Spawns netperf from an argv array (never a shell), with a timeout, and keeps the whole outcome. */
export const spawnNetperf: NetperfExecutor = {
  run: (argv, { timeoutMs, signal }) => runProcess(argv, { timeoutMs, signal }),
};
