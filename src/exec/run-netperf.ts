import { execa } from 'execa';
import type { NetperfExecutor } from '../model/seams.js';

/** After a timeout or cancel, SIGTERM first and SIGKILL this much later. */
const FORCE_KILL_AFTER_MS = 2_000;

/** Spawns netperf from an argv array (never a shell), with a timeout, and keeps the whole outcome. */
export const spawnNetperf: NetperfExecutor = {
  async run(argv, { timeoutMs, signal }) {
    const [file = 'netperf', ...args] = argv;
    const result = await execa(file, args, {
      timeout: timeoutMs,
      cancelSignal: signal,
      forceKillAfterDelay: FORCE_KILL_AFTER_MS,
      reject: false,
      stripFinalNewline: false,
      stdin: 'ignore',
      cleanup: true,
    });
    return {
      exitCode: result.exitCode,
      signal: result.signal,
      timedOut: result.timedOut,
      durationMs: result.durationMs,
      stdout: typeof result.stdout === 'string' ? result.stdout : '',
      stderr: typeof result.stderr === 'string' ? result.stderr : (result.originalMessage ?? ''),
    };
  },
};
