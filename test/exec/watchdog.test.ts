import type * as childProcess from 'node:child_process';
import { afterAll, describe, expect, it, vi } from 'vitest';

// the watchdog shell cannot be started here: its spawn (and only its) asks for a /bin/sh that is not there, a real
// ENOENT from a real spawn
vi.mock('node:child_process', async (importOriginal) => {
  const actual = await importOriginal<typeof childProcess>();
  const spawn = ((file: string, args: readonly string[], options: object) =>
    actual.spawn(
      file === '/bin/sh' && String(args[1]).includes('kill -9 -$g') ? '/nonexistent/perfsuite-test/sh' : file,
      args,
      options,
    )) as typeof actual.spawn;
  return { ...actual, spawn };
});

// npm test shares modules between test files (--no-isolate): this file evaluates process.js afresh, with the mock, and
// leaves neither the mock nor that process.js to the files after it
vi.resetModules();
afterAll(() => {
  vi.doUnmock('node:child_process');
  vi.resetModules();
});

const { runProcess, watchdogProblem } = await import('../../src/exec/process.js');
const { doctor } = await import('../../src/cli/doctor.js');

describe('a watchdog shell that cannot be started', () => {
  it('is said once, as a warning, and kept for doctor; processes still run', async () => {
    // caught here, not printed among the test output
    const emitWarning = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    let warnings: string[];
    try {
      expect(watchdogProblem()).toBeUndefined();
      expect((await runProcess(['sh', '-c', 'echo one'], { timeoutMs: 5_000 })).stdout).toBe('one\n');
      expect((await runProcess(['sh', '-c', 'echo two'], { timeoutMs: 5_000 })).stdout).toBe('two\n');
      warnings = emitWarning.mock.calls.map(([warning]) => String(warning));
    } finally {
      emitWarning.mockRestore();
    }
    const reason = 'the watchdog shell /bin/sh could not be started (ENOENT), so the processes perfsuite starts outlive it if it is killed by SIGKILL';
    expect(warnings).toEqual([`perfsuite: ${reason}`]);
    expect(watchdogProblem()).toBe(reason);
    let printed = '';
    const io = { stdout: (text: string) => void (printed += text), stderr: () => undefined, cwd: process.cwd(), env: process.env, isTTY: false };
    expect(await doctor([], { var: new Map(), maxCases: 1_000 }, io)).not.toBe(0);
    expect(printed).toContain(`✗ process watchdog: ${reason}\n`);
  });
});
