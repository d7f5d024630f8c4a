/**
 * The one place perfsuite starts processes (netperf, netserver here and over ssh, ip and tc), so every one of them
 * gets the same lifecycle:
 * - built from an argv array, never through a shell;
 * - in its own process group, so a kill reaches the children it forked (netserver forks one per test);
 * - tied to perfsuite's life: a watchdog shell kills its group when perfsuite dies, even by SIGKILL, and whatever is
 *   still running when perfsuite exits is killed on the way out;
 * - a timeout on everything that is expected to end, SIGTERM first, SIGKILL a grace period later;
 * - signals only sent to a group this process started, up to the moment its leader is seen to end (then the group
 *   gets one last SIGKILL for the children it left, and nothing ever again: its id may be reused).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { defined } from '../model/defined.js';
import type { ProcessOutcome } from '../model/netperf-outcome.js';

/** What a finished process left behind; `errorCode` is set when it could not be started (ENOENT: not installed). */
export interface ProcessResult extends ProcessOutcome {
  readonly errorCode?: string;
  /** With `all`: stdout and stderr together, in the order they arrived. */
  readonly all?: string;
}

export interface RunOptions {
  /** Wall-clock limit; past it the group gets SIGTERM, and SIGKILL `forceKillAfterMs` later. */
  readonly timeoutMs: number;
  /** Aborting kills the process the same way (Ctrl-C). */
  readonly signal?: AbortSignal;
  readonly forceKillAfterMs?: number;
  /** Working directory; perfsuite's own when absent. */
  readonly cwd?: string;
  /** Variables added to perfsuite's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Also keep stdout and stderr interleaved as they arrived (ProcessResult.all). */
  readonly all?: boolean;
}

const DEFAULT_FORCE_KILL_AFTER_MS = 2_000;
/**
 * How long the output pipes may stay open once a process has exited: a process that left its group (`setsid`, a
 * daemonising helper) holds them as long as it lives, and the group kill never reaches it. Past this what arrived is kept
 * and the pipes are closed.
 */
const OUTPUT_GRACE_MS = 1_000;
/** The least of that grace, for output already written but not read yet, even past a timeout. */
const MIN_OUTPUT_GRACE_MS = 100;
/** Output kept of a long-running process (enough for any error message; netserver prints almost nothing). */
const MAX_KEPT_OUTPUT = 64 * 1024;

/** Process groups started and not yet seen to end: killed when perfsuite exits, however it exits. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function track(pid: number): void {
  liveGroups.add(pid);
  watchdog()?.(`+${pid}\n`);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous; process.kill is
  process.on('exit', () => {
    for (const group of liveGroups) signalGroup(group, 'SIGKILL');
  });
}

function untrack(pid: number): void {
  if (liveGroups.delete(pid)) watchdog()?.(`-${pid}\n`);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

/**
 * The watchdog: one small shell started with the first process, in a group of its own, reading the groups perfsuite
 * starts (`+pid`) and sees end (`-pid`) from a pipe. When perfsuite dies, however it dies (SIGKILL too), the pipe
 * closes and the watchdog kills every group still listed, then exits. One exec per run instead of a `setpriv` in
 * front of every process (docs/architecture.md, "Processes").
 */
const WATCHDOG_SCRIPT = `live=" "
while IFS= read -r line; do
  case "$line" in
    +*) live="$live\${line#+} " ;;
    -*) g="\${line#-}"; case "$live" in *" $g "*) live="\${live%% $g *} \${live#* $g }" ;; esac ;;
  esac
done
for g in $live; do kill -9 -$g 2>/dev/null; done`;

let watchdogWrite: ((line: string) => void) | null | undefined;
let watchdogFailure: string | undefined;

/** Why the watchdog could not be started, when it could not (doctor shows it); undefined while it runs or has not been needed. */
export function watchdogProblem(): string | undefined {
  return watchdogFailure;
}

/** Said once, as a process warning on stderr: without the watchdog nothing kills perfsuite's processes when it is SIGKILLed. */
function watchdogFailed(error: NodeJS.ErrnoException): void {
  watchdogWrite = null;
  if (watchdogFailure !== undefined) return;
  watchdogFailure = `the watchdog shell /bin/sh could not be started (${error.code ?? error.message}), so the processes perfsuite starts outlive it if it is killed by SIGKILL`;
  process.emitWarning(`perfsuite: ${watchdogFailure}`);
}

function watchdog(): ((line: string) => void) | undefined {
  if (watchdogWrite !== undefined) return watchdogWrite ?? undefined;
  watchdogWrite = null;
  if (process.platform === 'win32') return undefined;
  let child: ChildProcess;
  try {
    child = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  } catch (error) {
    watchdogFailed(error as NodeJS.ErrnoException);
    return undefined;
  }
  child.on('error', watchdogFailed);
  const stdin = child.stdin;
  if (stdin === null) return undefined;
  stdin.on('error', () => undefined);
  // neither the watchdog nor its pipe keeps perfsuite alive; the pipe closes when perfsuite's process ends
  child.unref();
  (stdin as unknown as { unref?: () => void }).unref?.();
  watchdogWrite = (line) => void stdin.write(line);
  return watchdogWrite;
}

/**
 * The executable file a program names, as a run resolves it: a name with a slash relative to `cwd`, a bare name on
 * `searchPath` (perfsuite's PATH unless given). Undefined when there is no such executable file.
 */
export function findProgram(program: string, where: { readonly cwd?: string; readonly searchPath?: string } = {}): string | undefined {
  if (program === '') return undefined;
  const cwd = where.cwd ?? process.cwd();
  const searchPath = where.searchPath ?? process.env['PATH'] ?? '';
  const candidates = program.includes('/')
    ? [path.resolve(cwd, program)]
    : searchPath
        .split(path.delimiter)
        .filter((dir) => dir !== '')
        .map((dir) => path.resolve(cwd, dir, program));
  return candidates.find(isExecutableFile);
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** An error as a spawn would give it, for a program that is not installed. */
function notInstalled(program: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${program} is not installed (not found on PATH)`), { code: 'ENOENT' });
}

/** What a spawned process left: its end, and its output when it was kept. */
interface Ended {
  readonly exitCode: number | undefined;
  readonly signal: string | undefined;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly all: string;
}

interface Spawned {
  readonly child: ChildProcess;
  readonly pid: number | undefined;
  /** Resolves once the process has exited and its output pipes have closed, or been closed `outputGraceMs` after it exited. */
  readonly done: Promise<Ended>;
}

/**
 * Starts argv in a process group of its own (so a kill reaches what it forks), tracked for the watchdog. Once it has
 * exited, its output pipes get `outputGraceMs` (OUTPUT_GRACE_MS unless given) to close, then are closed: what a process
 * that left the group still writes is not waited for.
 */
function spawnInGroup(
  argv: readonly string[],
  options: { stdin: 'ignore' | 'pipe'; buffer: boolean; cwd?: string; env?: Readonly<Record<string, string>>; all?: boolean; outputGraceMs?: () => number },
): Spawned {
  const [program = '', ...args] = argv;
  // the program is looked up here, so a missing one is ENOENT at once
  const found = findProgram(program);
  if (found === undefined) throw notInstalled(program);
  // the path found, so the kernel is not asked to walk PATH again (one execve, not one per PATH entry)
  const child = spawn(program.includes('/') ? program : found, args, {
    argv0: program,
    detached: true,
    stdio: [options.stdin, 'pipe', 'pipe'],
    ...defined({ cwd: options.cwd }),
    ...(options.env === undefined ? {} : { env: { ...process.env, ...options.env } }),
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const all: string[] = [];
  if (options.buffer) {
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      stdout.push(text);
      if (options.all === true) all.push(text);
    });
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      stderr.push(text);
      if (options.all === true) all.push(text);
    });
  }
  let closeTimer: NodeJS.Timeout | undefined;
  child.once('exit', () => {
    closeTimer = setTimeout(() => {
      child.stdout?.destroy();
      child.stderr?.destroy();
    }, options.outputGraceMs?.() ?? OUTPUT_GRACE_MS);
  });
  const done = new Promise<Ended>((resolve) => {
    let failure: NodeJS.ErrnoException | undefined;
    child.once('error', (error: NodeJS.ErrnoException) => {
      failure = error;
      // a process that never started closes nothing: settle here
      if (child.pid === undefined)
        resolve({ exitCode: undefined, signal: undefined, errorCode: error.code ?? 'ESPAWN', errorMessage: error.message, stdout: '', stderr: '', all: '' });
    });
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(closeTimer);
      resolve({
        exitCode: code ?? undefined,
        signal: signal ?? undefined,
        ...(failure === undefined ? {} : { errorCode: failure.code ?? 'ESPAWN', errorMessage: failure.message }),
        stdout: stdout.join(''),
        stderr: stderr.join(''),
        all: all.join(''),
      });
    });
  });
  return { child, pid: child.pid, done };
}

/**
 * Calls `onExit` when the process itself ends (not when its output pipes close: children it forked may hold them),
 * after one last SIGKILL to its group, so what it left behind goes with it while the group id is still its own.
 */
function whenEnded(spawned: Spawned, onExit: (exitCode: number | undefined, signal: string | undefined, errorCode?: string) => void): void {
  const { child, pid } = spawned;
  let done = false;
  const end = (exitCode: number | undefined, signal: string | undefined, errorCode?: string): void => {
    if (done) return;
    done = true;
    if (pid !== undefined) {
      signalGroup(pid, 'SIGKILL');
      untrack(pid);
    }
    onExit(exitCode, signal, errorCode);
  };
  child.once('exit', (code, signal) => end(code ?? undefined, signal ?? undefined));
  child.once('error', (error: NodeJS.ErrnoException) => end(undefined, undefined, error.code ?? 'ESPAWN'));
}

/** Runs a process to its end (or its timeout) and keeps the whole outcome; never throws for the process's failure. */
export async function runProcess(argv: readonly string[], options: RunOptions): Promise<ProcessResult> {
  const started = performance.now();
  // what is left of the timeout, up to OUTPUT_GRACE_MS (and at least MIN_OUTPUT_GRACE_MS)
  const outputGraceMs = (): number => Math.max(MIN_OUTPUT_GRACE_MS, Math.min(OUTPUT_GRACE_MS, started + options.timeoutMs - performance.now()));
  let subprocess: Spawned;
  try {
    subprocess = spawnInGroup(argv, { stdin: 'ignore', buffer: true, outputGraceMs, ...defined({ cwd: options.cwd, env: options.env, all: options.all }) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'ESPAWN';
    return { exitCode: undefined, signal: undefined, timedOut: false, durationMs: 0, stdout: '', stderr: (error as Error).message, errorCode: code };
  }
  const pid = subprocess.pid;
  if (pid !== undefined) track(pid);
  let ended = false;
  let timedOut = false;
  let forceTimer: NodeJS.Timeout | undefined;
  const kill = (): void => {
    if (pid === undefined || ended || forceTimer !== undefined) return;
    signalGroup(pid, 'SIGTERM');
    forceTimer = setTimeout(() => {
      if (!ended) signalGroup(pid, 'SIGKILL');
    }, options.forceKillAfterMs ?? DEFAULT_FORCE_KILL_AFTER_MS);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, options.timeoutMs);
  const onAbort = (): void => kill();
  whenEnded(subprocess, () => {
    ended = true;
    clearTimeout(timer);
    clearTimeout(forceTimer);
  });
  if (options.signal?.aborted === true) kill();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  // resolves once the output pipes have closed too (the group kill at exit closes any a child still held), or have been
  // closed a short grace after it exited (a process that left the group holds them); the timers were cleared when it
  // exited (whenEnded)
  const result = await subprocess.done;
  options.signal?.removeEventListener('abort', onAbort);
  const { errorCode } = result;
  return {
    exitCode: result.exitCode,
    signal: result.signal,
    timedOut,
    durationMs: performance.now() - started,
    stdout: result.stdout,
    stderr: errorCode === undefined ? result.stderr : `${result.stderr}${result.errorMessage ?? ''}`,
    ...defined({ errorCode, all: options.all === true ? result.all : undefined }),
  };
}

/** `runProcess` for commands that must succeed (ip, tc): throws with the command and what it printed otherwise. */
export async function runChecked(argv: readonly string[], options: RunOptions): Promise<ProcessResult> {
  const result = await runProcess(argv, options);
  if (result.errorCode === 'ENOENT') throw notInstalled(argv[0] ?? '');
  if (result.exitCode !== 0 || result.timedOut) {
    const how = describeEnd(result, options.timeoutMs);
    const detail = `${result.stderr}${result.stdout}`.trim().split('\n').slice(0, 3).join(' / ');
    throw Object.assign(new Error(`${argv.join(' ')} ${how}${detail === '' ? '' : `: ${detail}`}`), { stderr: result.stderr });
  }
  return result;
}

/**
 * How a process that did not succeed ended, for a message: `did not finish within 5 s`, `was killed by SIGTERM`,
 * `could not be started (EACCES)` or `exited with 3`. `inFull` (setup and teardown commands, whose messages people
 * read beside their output) says `exited with status 3`, and that a process that timed out `was killed`.
 */
export function describeEnd(result: ProcessResult, timeoutMs: number, options: { readonly inFull?: boolean } = {}): string {
  if (result.timedOut) return `did not finish within ${timeoutMs / 1000} s${options.inFull === true ? ' and was killed' : ''}`;
  if (result.signal !== undefined) return `was killed by ${result.signal}`;
  if (result.errorCode !== undefined) return `could not be started (${result.errorCode})`;
  return `exited with ${options.inFull === true ? 'status ' : ''}${String(result.exitCode)}`;
}

/** A process expected to run until perfsuite stops it (netserver, an ssh session). */
export interface LongProcess {
  readonly pid: number;
  /** Resolves when it has ended, however it ended. */
  readonly exited: Promise<{ readonly exitCode: number | undefined; readonly signal: string | undefined; readonly errorCode?: string }>;
  hasExited(): boolean;
  /** Everything it printed so far, stdout and stderr together (the last 64 KiB). */
  output(): string;
  /** Called with each piece of output as it arrives. */
  onOutput(listener: (text: string) => void): void;
  /** Called with each piece of its stdout alone, as it arrives. */
  onStdout(listener: (text: string) => void): void;
  /** Writes to its stdin (started with `stdin: 'pipe'`); does nothing once it has ended. */
  write(text: string): void;
  /** SIGTERM to its group, SIGKILL after `graceMs`; resolves once it is gone. Does nothing when it has ended. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts a long-running process in its own group; throws ENOENT at once when the program is not installed. */
export function startProcess(argv: readonly string[], options: { readonly stdin?: 'ignore' | 'pipe' } = {}): LongProcess {
  const subprocess = spawnInGroup(argv, { stdin: options.stdin ?? 'ignore', buffer: false });
  const pid = subprocess.pid ?? -1;
  const { child } = subprocess;
  if (pid > 0) track(pid);
  let output = '';
  let ended = false;
  const listeners: ((text: string) => void)[] = [];
  const stdoutListeners: ((text: string) => void)[] = [];
  const receive = (text: string): void => {
    output = (output + text).slice(-MAX_KEPT_OUTPUT);
    for (const listener of listeners) listener(text);
  };
  // decoded as a stream, so a character split across two chunks stays whole
  child.stdout?.setEncoding('utf8').on('data', (text: string) => {
    receive(text);
    for (const listener of stdoutListeners) listener(text);
  });
  child.stderr?.setEncoding('utf8').on('data', receive);
  // a process that exits while something is written to it must not take perfsuite down (EPIPE)
  child.stdin?.on('error', () => undefined);
  const exited = new Promise<{ exitCode: number | undefined; signal: string | undefined; errorCode?: string }>((resolve) =>
    whenEnded(subprocess, (exitCode, signal, errorCode) => {
      ended = true;
      resolve({ exitCode, signal, ...defined({ errorCode }) });
    }),
  );
  return {
    pid,
    exited,
    hasExited: () => ended,
    output: () => output,
    onOutput: (listener) => void listeners.push(listener),
    onStdout: (listener) => void stdoutListeners.push(listener),
    write: (text) => {
      if (!ended) child.stdin?.write(text);
    },
    stop: async (graceMs = DEFAULT_FORCE_KILL_AFTER_MS) => {
      if (ended || pid <= 0) return;
      signalGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (!ended) signalGroup(pid, 'SIGKILL');
      }, graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Whether a pid belongs to a running process (one owned by someone else counts). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Opens and closes one TCP connection; rejects with the connection error, or on timeout. */
export async function connectOnce(host: string, port: number, timeoutMs: number): Promise<void> {
  const socket = net.connect({ host, port, timeout: timeoutMs });
  try {
    await Promise.race([
      once(socket, 'connect'),
      once(socket, 'timeout').then(() => {
        throw new Error(`no answer within ${timeoutMs / 1000} s`);
      }),
    ]);
  } finally {
    socket.destroy();
  }
}

/**
 * Waits between readiness probes: 2 ms (a netserver listens a few ms after it starts, and every run waits for it),
 * doubling to 250 ms, so a slow start costs no CPU while netperf measures.
 */
export function probeDelayMs(attempt: number): number {
  return Math.min(250, 2 * 2 ** attempt);
}

/**
 * Resolves once host:port accepts a connection. Between attempts it asks `gaveUp` (say, "the server process exited")
 * and rethrows what that returns; past the deadline it throws `timeoutMessage`. Attempts back off (probeDelayMs);
 * `ready` (say, the server said it listens) cuts the wait before the next attempt short, once, so the port is tried as
 * soon as the server says so rather than at the next step of the back-off.
 */
export async function waitForListener(
  host: string,
  port: number,
  options: {
    readonly deadline: number;
    readonly attemptMs: number;
    readonly timeoutMessage: string;
    readonly gaveUp?: () => Error | undefined;
    readonly ready?: Promise<unknown>;
  },
): Promise<void> {
  let said = false;
  let wake: (() => void) | undefined;
  void options.ready?.then(
    () => {
      said = true;
      wake?.();
    },
    () => undefined,
  );
  let woken = false;
  for (let attempt = 0; ; attempt++) {
    const reason = options.gaveUp?.();
    if (reason !== undefined) throw reason;
    if (Date.now() > options.deadline) throw new Error(options.timeoutMessage);
    try {
      await connectOnce(host, port, options.attemptMs);
      return;
    } catch {
      const delay = Math.min(probeDelayMs(attempt), Math.max(0, options.deadline - Date.now()));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        if (woken) return;
        wake = () => {
          woken = true;
          clearTimeout(timer);
          resolve();
        };
        if (said) wake();
      });
      wake = undefined;
    }
  }
}

/** A TCP port nothing listens on at the moment (the kernel's pick). */
export async function freePort(host: string): Promise<number> {
  const server = net.createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}
