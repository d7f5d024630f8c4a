import { once } from 'node:events';
import { accessSync, constants, existsSync, realpathSync } from 'node:fs';
import path from 'node:path';

/** Where the CLI writes and what it sees; injectable so tests and embedders run commands in-process. */
export interface CliIo {
  /** Resolves when the text may be followed by more (backpressure for large outputs). */
  readonly stdout: (text: string) => void | Promise<void>;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Whether stdout is a terminal (colour, progress line). */
  readonly isTTY: boolean;
}

/** The exit code a command earned; when several are reported, the highest wins (docs/ci.md, "Exit codes"). */
export type Exit = (code: number) => void;

/** Set once stdout's reader has gone (`perfsuite … | head`): the command goes on, quietly, like git log does. */
let stdoutClosed = false;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  stdoutClosed = true;
});

export const processIo: CliIo = {
  stdout: (text) => {
    if (stdoutClosed) return undefined;
    return process.stdout.write(text)
      ? undefined
      : once(process.stdout, 'drain').then(
          () => undefined,
          () => undefined,
        );
  },
  stderr: (text) => void process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
  isTTY: process.stdout.isTTY,
};

/** Colour only on a terminal, and not when NO_COLOR is set to something (an empty NO_COLOR does not count: no-color.org). */
export function useColor(io: CliIo): boolean {
  const noColor = io.env['NO_COLOR'];
  return (noColor === undefined || noColor === '') && io.isTTY;
}

/** Why a directory cannot be written: the error, or (when mkdir says only ENOENT) what its nearest existing parent says. */
export function whyNotWritable(dir: string, error: Error): string {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return error.message;
  let parent = dir;
  while (!existsSync(parent) && path.dirname(parent) !== parent) parent = path.dirname(parent);
  try {
    accessSync(parent, constants.W_OK);
  } catch (denied) {
    return `${parent} is not writable (${(denied as NodeJS.ErrnoException).code ?? (denied as Error).message})`;
  }
  return error.message;
}

/** The file's real path (through symlinks), or the path itself when it does not exist yet. */
export function realPath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    try {
      return path.join(realpathSync(path.dirname(file)), path.basename(file));
    } catch {
      return file;
    }
  }
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs `work` with Ctrl-C, SIGTERM (a cancelled CI job) and SIGHUP (the terminal went away) aborting `controller`
 * instead of ending the process; the handlers stay until `work` has finished its teardown, so a second signal cannot
 * cut that short.
 */
export async function untilStopped<T>(controller: AbortController, work: () => Promise<T>): Promise<T> {
  const onSignal = (): void => controller.abort();
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  try {
    return await work();
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  }
}

/** A warning about the run as a whole: a `::warning` annotation with `title` on GitHub Actions, a plain line elsewhere. */
export function warnRun(io: CliIo, title: string, message: string): void {
  io.stderr(io.env['GITHUB_ACTIONS'] === 'true' ? `::warning title=perfsuite: ${title}::${message}\n` : `perfsuite: warning: ${message}\n`);
}
