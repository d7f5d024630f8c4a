/**
 * The one place perfsuite starts processes (netperf, netserver here and over ssh, ip/tc, setup hooks), so every one
 * of them gets the same lifecycle:
 * - built from an argv array, never through a shell;
 * - in its own process group, so a kill reaches the children it forked (netserver forks one per test);
 * - tied to perfsuite's life: on Linux `setpriv --pdeathsig KILL` kills it when perfsuite dies, even by SIGKILL, and
 *   whatever is still running when perfsuite exits is killed on the way out;
 * - a timeout on everything that is expected to end, SIGTERM first, SIGKILL a grace period later;
 * - signals only ever sent to a group this process started and has not yet seen end (never a stale pid).
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { execa, type Options, type ResultPromise } from 'execa';
import { defined } from '../model/defined.js';
import type { ProcessOutcome } from '../model/netperf-outcome.js';

/** What a finished process left behind; `errorCode` is set when it could not be started (ENOENT: not installed). */
export interface ProcessResult extends ProcessOutcome {
  readonly errorCode?: string;
}

export interface RunOptions {
  /** Wall-clock limit; past it the group gets SIGTERM, and SIGKILL `forceKillAfterMs` later. */
  readonly timeoutMs: number;
  /** Aborting kills the process the same way (Ctrl-C). */
  readonly signal?: AbortSignal;
  /** Written to stdin; stdin is closed otherwise. */
  readonly input?: string;
  /** Added to perfsuite's own environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  readonly forceKillAfterMs?: number;
}

const DEFAULT_FORCE_KILL_AFTER_MS = 2_000;
/** Output kept of a long-running process (enough for any error message; netserver prints almost nothing). */
const MAX_KEPT_OUTPUT = 64 * 1024;

/** Process groups started and not yet seen to end: killed when perfsuite exits, however it exits. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function track(pid: number): void {
  liveGroups.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous; process.kill is
  process.on('exit', () => {
    for (const group of liveGroups) signalGroup(group, 'SIGKILL');
  });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

let deathSignalPrefix: readonly string[] | undefined;

/** `setpriv --pdeathsig KILL` where util-linux has it (Linux): the kernel kills the child when perfsuite dies. */
function parentDeathPrefix(): readonly string[] {
  if (deathSignalPrefix !== undefined) return deathSignalPrefix;
  deathSignalPrefix = [];
  if (process.platform === 'linux') {
    const probe = spawnSync('setpriv', ['--pdeathsig', 'KILL', '--', 'true'], { stdio: 'ignore', timeout: 5_000 });
    if (probe.status === 0) deathSignalPrefix = ['setpriv', '--pdeathsig', 'KILL', '--'];
  }
  return deathSignalPrefix;
}

/** Whether a program can be run: a path to an executable, or a name found on PATH. */
export function findProgram(program: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = program.includes('/') ? [program] : (env['PATH'] ?? '').split(path.delimiter).filter((dir) => dir !== '').map((dir) => path.join(dir, program));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** An error as a spawn would give it, for a program that is not installed. */
function notInstalled(program: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${program} is not installed (not found on PATH)`), { code: 'ENOENT' });
}

function spawnInGroup(argv: readonly string[], options: { stdin: 'ignore' | 'pipe'; buffer: boolean; input?: string; env?: Readonly<Record<string, string>>; cwd?: string }): ResultPromise<Options> {
  const [program = '', ...args] = argv;
  // the program is looked up here, so a missing one is ENOENT rather than setpriv's exit 127
  if (findProgram(program) === undefined) throw notInstalled(program);
  const [file = program, ...rest] = [...parentDeathPrefix(), program, ...args];
  const execaOptions: Options = {
    detached: true,
    reject: false,
    stripFinalNewline: false,
    buffer: options.buffer,
    ...(options.input === undefined ? { stdin: options.stdin } : { input: options.input }),
    ...defined({ env: options.env, cwd: options.cwd }),
  };
  return execa(file, rest, execaOptions);
}

/** Runs a process to its end (or its timeout) and keeps the whole outcome; never throws for the process's failure. */
export async function runProcess(argv: readonly string[], options: RunOptions): Promise<ProcessResult> {
  const started = performance.now();
  let subprocess: ResultPromise<Options>;
  try {
    subprocess = spawnInGroup(argv, { stdin: 'ignore', buffer: true, ...defined({ input: options.input, env: options.env, cwd: options.cwd }) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'ESPAWN';
    return { exitCode: undefined, signal: undefined, timedOut: false, durationMs: 0, stdout: '', stderr: (error as Error).message, errorCode: code };
  }
  const pid = subprocess.pid;
  if (pid !== undefined) track(pid);
  let timedOut = false;
  let forceTimer: NodeJS.Timeout | undefined;
  const kill = (): void => {
    if (pid === undefined || !liveGroups.has(pid) || forceTimer !== undefined) return;
    signalGroup(pid, 'SIGTERM');
    forceTimer = setTimeout(() => {
      if (liveGroups.has(pid)) signalGroup(pid, 'SIGKILL');
    }, options.forceKillAfterMs ?? DEFAULT_FORCE_KILL_AFTER_MS);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, options.timeoutMs);
  const onAbort = (): void => kill();
  if (options.signal?.aborted === true) kill();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const result = await subprocess;
  clearTimeout(timer);
  clearTimeout(forceTimer);
  options.signal?.removeEventListener('abort', onAbort);
  if (pid !== undefined) {
    // whatever it forked and left in its group goes with it, now, while the group id cannot have been reused
    signalGroup(pid, 'SIGKILL');
    liveGroups.delete(pid);
  }
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  const errorCode = (result as { code?: string }).code;
  return {
    exitCode: result.exitCode,
    signal: result.signal,
    timedOut,
    durationMs: performance.now() - started,
    stdout: text(result.stdout),
    stderr: errorCode === undefined ? text(result.stderr) : `${text(result.stderr)}${result.originalMessage ?? ''}`,
    ...defined({ errorCode }),
  };
}

/** `runProcess` for commands that must succeed (ip, tc): throws with the command and what it printed otherwise. */
export async function runChecked(argv: readonly string[], options: RunOptions): Promise<ProcessResult> {
  const result = await runProcess(argv, options);
  if (result.errorCode === 'ENOENT') throw notInstalled(argv[0] ?? '');
  if (result.exitCode !== 0 || result.timedOut) {
    const how = result.timedOut ? `did not finish within ${options.timeoutMs / 1000} s` : result.signal !== undefined ? `was killed by ${result.signal}` : `exited with ${String(result.exitCode)}`;
    const detail = `${result.stderr}${result.stdout}`.trim().split('\n').slice(0, 3).join(' / ');
    throw Object.assign(new Error(`${argv.join(' ')} ${how}${detail === '' ? '' : `: ${detail}`}`), { stderr: result.stderr });
  }
  return result;
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
  /** SIGTERM to its group, SIGKILL after `graceMs`; resolves once it is gone. Does nothing when it has ended. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts a long-running process in its own group; throws ENOENT at once when the program is not installed. */
export function startProcess(argv: readonly string[], options: { readonly stdin?: 'ignore' | 'pipe'; readonly env?: Readonly<Record<string, string>> } = {}): LongProcess {
  const subprocess = spawnInGroup(argv, { stdin: options.stdin ?? 'ignore', buffer: false, ...defined({ env: options.env }) });
  const pid = subprocess.pid ?? -1;
  if (pid > 0) track(pid);
  let output = '';
  let ended = false;
  const listeners: ((text: string) => void)[] = [];
  const receive = (chunk: Buffer): void => {
    const text = chunk.toString();
    output = (output + text).slice(-MAX_KEPT_OUTPUT);
    for (const listener of listeners) listener(text);
  };
  subprocess.stdout?.on('data', receive);
  subprocess.stderr?.on('data', receive);
  const exited = subprocess.then((result) => {
    ended = true;
    if (pid > 0) {
      signalGroup(pid, 'SIGKILL');
      liveGroups.delete(pid);
    }
    const errorCode = (result as { code?: string }).code;
    return { exitCode: result.exitCode, signal: result.signal, ...defined({ errorCode }) };
  });
  return {
    pid,
    exited,
    hasExited: () => ended,
    output: () => output,
    onOutput: (listener) => void listeners.push(listener),
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

/** Waits between readiness probes: 10 ms, doubling to 250 ms, so a slow start costs no CPU while netperf measures. */
export function probeDelayMs(attempt: number): number {
  return Math.min(250, 10 * 2 ** attempt);
}

/**
 * Resolves once host:port accepts a connection. Between attempts it asks `gaveUp` (say, "the server process exited")
 * and rethrows what that returns; past the deadline it throws `timeoutMessage`. Attempts back off (probeDelayMs).
 */
export async function waitForListener(
  host: string,
  port: number,
  options: { readonly deadline: number; readonly attemptMs: number; readonly timeoutMessage: string; readonly gaveUp?: () => Error | undefined },
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const reason = options.gaveUp?.();
    if (reason !== undefined) throw reason;
    if (Date.now() > options.deadline) throw new Error(options.timeoutMessage);
    try {
      await connectOnce(host, port, options.attemptMs);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, Math.min(probeDelayMs(attempt), Math.max(0, options.deadline - Date.now()))));
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

/** Quotes one word for a POSIX shell, always in single quotes: for the one command perfsuite sends over ssh. */
export function quoteForRemoteShell(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
