/**
 * A server's `setup:` and `teardown:` commands (docs/suite-format.md, "Setup and teardown commands"): argv lists run on
 * this host, or inside the server's namespace, never through a shell, each with a timeout, with the server described in
 * the environment.
 *
 * Each command runs with the suite's directory as its cwd (so `./ci/setup.sh` is the suite's) and the variables added
 * to perfsuite's environment.
 */
import { HOOK_PLACEHOLDER, unknownHookVariables } from '../model/hook-variables.js';
import { shellQuote } from '../model/shell-quote.js';

import path from 'node:path';
import { HOOK_OUTPUT_BYTES, type HookRecord } from '../model/results.js';
import type { HookSpec } from '../model/suite-types.js';
import { describeEnd, findProgram, runProcess, type ProcessResult } from './process.js';
import { defined } from '../model/defined.js';

/** Each setup or teardown command may take this long; then its process group is killed. */
export const HOOK_TIMEOUT_MS = 60_000;
/** How much of a failed command's stderr a message keeps (its end: where the reason usually is). */
const MAX_STDERR_CHARS = 2_048;
const MAX_STDERR_LINES = 20;

/** What a hook knows about the server it runs for. */
export interface HookServer {
  /** `<suite>/<name>`, for messages. */
  readonly key: string;
  /** The server's name in the suite (`servers: { <name>: … }`). */
  readonly name: string;
  /** Where netperf reaches its netserver. */
  readonly host: string;
  readonly controlPort: number;
  /** The variables its server type adds to every server's (a namespace's name and interfaces), from its driver. */
  readonly variables?: Readonly<Record<string, string>>;
  /** The command prefix that runs a command inside the server's network namespace (`{ in: namespace }`), where it has one. */
  readonly namespaceExec?: readonly string[];
}

export interface HookOptions {
  /** Per command; HOOK_TIMEOUT_MS unless given. */
  readonly timeoutMs?: number;
  /** Aborting kills the running command (Ctrl-C during setup); teardown is never given one. */
  readonly signal?: AbortSignal;
  /** What relative suite paths (HookSpec.loc.file) are relative to: the CLI's cwd; process.cwd() unless given. */
  readonly baseDir?: string;
  /** Told of every command that ran (or could not), with the end of its output: for results.json. */
  readonly record?: (hook: HookRecord) => void;
}

/** The variables a hook of this server gets, added to perfsuite's environment. */
export function hookEnvironment(server: HookServer): Record<string, string> {
  return {
    PERFSUITE_SERVER: server.name,
    PERFSUITE_SERVER_HOST: server.host,
    PERFSUITE_CONTROL_PORT: String(server.controlPort),
    ...server.variables,
  };
}

/** Fills `${PERFSUITE_*}` in every argv element; throws naming an unknown name and the known ones. */
export function fillHookArgv(argv: readonly string[], environment: Readonly<Record<string, string>>): string[] {
  const known = Object.keys(environment);
  const [unknown] = unknownHookVariables(argv, known);
  if (unknown !== undefined) throw new Error(`\${${unknown}} is not a variable of this server; it has ${known.map((name) => `\${${name}}`).join(', ')}`);
  return argv.map((arg) => arg.replace(HOOK_PLACEHOLDER, (_whole, name: string) => environment[name] ?? ''));
}

/** A hook as people read it: its argv display-quoted in backticks, `in namespace` after it when it runs inside the server's namespace. */
export function formatHook(hook: Pick<HookSpec, 'argv' | 'inNamespace'>): string {
  return `\`${hook.argv.map(shellQuote).join(' ')}\`${hook.inNamespace ? ' in namespace' : ''}`;
}

/** Where a hook's entry is written, `file:line`. */
export function hookLocation(hook: HookSpec): string {
  return `${hook.loc.file}:${hook.loc.line}`;
}

/** The directory a hook runs in: its suite file's. */
export function hookDirectory(hook: HookSpec, baseDir: string = process.cwd()): string {
  return path.dirname(path.resolve(baseDir, hook.loc.file));
}

/** Why a hook cannot be run as written, or undefined when its program is there (doctor asks this without running it). */
export function hookProgramProblem(hook: HookSpec, baseDir: string = process.cwd(), searchPath: string = process.env['PATH'] ?? ''): string | undefined {
  const [program] = hook.argv;
  if (program === undefined || program === '') return 'the command is empty; write an argv list like [sysctl, -w, key=value]';
  if (findProgram(program, { cwd: hookDirectory(hook, baseDir), searchPath }) !== undefined) return undefined;
  return program.includes('/')
    ? `${program} is not an executable file (relative to ${hookDirectory(hook, baseDir)}, the suite's directory); check the path, or chmod +x it`
    : `${program} is not found on PATH; install it, or give its path`;
}

/** One run of one hook: the filled argv, and how it ended (or why it could not start). */
type HookRun = { readonly argv: readonly string[]; readonly result: ProcessResult } | { readonly argv: readonly string[]; readonly problem: string };

async function runHook(hook: HookSpec, environment: Record<string, string>, server: HookServer, options: HookOptions): Promise<HookRun> {
  let argv: string[];
  try {
    argv = fillHookArgv(hook.argv, environment);
  } catch (error) {
    return { argv: hook.argv, problem: (error as Error).message };
  }
  const [program = '', ...args] = argv;
  const cwd = hookDirectory(hook, options.baseDir);
  const resolved = findProgram(program, { cwd });
  if (resolved === undefined) return { argv, problem: hookProgramProblem({ ...hook, argv }, options.baseDir) ?? `${program} cannot be run` };
  if (hook.inNamespace && server.namespaceExec === undefined) return { argv, problem: 'in: namespace needs a type: netns server' };
  // the program by the path checked above, so what runs is what was found
  const namespace = hook.inNamespace ? (server.namespaceExec ?? []) : [];
  const result = await runProcess([...namespace, resolved, ...args], {
    timeoutMs: options.timeoutMs ?? HOOK_TIMEOUT_MS,
    cwd,
    env: environment,
    all: true,
    ...defined({ signal: options.signal }),
  });
  return { argv, result };
}

/** How a hook that did not succeed ended, for a message; undefined when it succeeded. */
function failureOf(run: HookRun, timeoutMs: number): string | undefined {
  if ('problem' in run) return `could not be run: ${run.problem}`;
  const { result } = run;
  if (result.exitCode === 0 && !result.timedOut) return undefined;
  const how = describeEnd(result, timeoutMs, { inFull: true });
  // stderr alone when that is all it printed; else everything, as it came, so an error reads after what led to it
  const [label, output] = result.stdout.trim() === '' ? ['stderr', tail(result.stderr)] : ['output', tail(result.all ?? `${result.stdout}${result.stderr}`)];
  return `${how}${output === '' ? '' : `; ${label}: ${output}`}`;
}

/** The end of a text within `bytes` UTF-8 bytes, never starting inside a character; and whether anything was cut. */
export function lastBytes(text: string, bytes: number): { readonly text: string; readonly truncated: boolean } {
  const buffer = Buffer.from(text);
  if (buffer.length <= bytes) return { text, truncated: false };
  // a cut inside a character decodes as U+FFFD: drop those continuation bytes
  let start = buffer.length - bytes;
  while (start < buffer.length && ((buffer[start] ?? 0) & 0xc0) === 0x80) start++;
  return { text: buffer.subarray(start).toString('utf8'), truncated: true };
}

/** A hook's run as results.json keeps it: the filled argv, how it ended, and the end of its output. */
function recordOf(stage: HookRecord['stage'], hook: HookSpec, run: HookRun): HookRecord {
  const where = { stage, argv: run.argv, ...(hook.inNamespace ? { inNamespace: true } : {}), file: hook.loc.file, line: hook.loc.line };
  if ('problem' in run) return { ...where, exitCode: null, problem: run.problem, durationSeconds: 0, output: '' };
  const { result } = run;
  const output = lastBytes(result.all ?? `${result.stdout}${result.stderr}`, HOOK_OUTPUT_BYTES);
  return {
    ...where,
    exitCode: result.exitCode ?? null,
    ...defined({ signal: result.signal }),
    ...(result.timedOut ? { timedOut: true } : {}),
    ...(result.errorCode === undefined ? {} : { problem: `could not be started (${result.errorCode})` }),
    durationSeconds: Math.round(result.durationMs) / 1000,
    output: output.text,
    ...(output.truncated ? { truncated: true } : {}),
  };
}

/** The last lines of a process's output, trimmed, at most MAX_STDERR_CHARS. */
function tail(text: string): string {
  const lines = text.trim().split('\n').slice(-MAX_STDERR_LINES).join('\n');
  return lines.length <= MAX_STDERR_CHARS ? lines : `…${lines.slice(-MAX_STDERR_CHARS)}`;
}

function describeFailure(stage: 'setup' | 'teardown', hook: HookSpec, run: HookRun, failure: string, server: HookServer): string {
  return `${stage} of ${server.key} failed: ${formatHook({ argv: run.argv, inNamespace: hook.inNamespace })} (${hookLocation(hook)}) ${failure}`;
}

/** A setup command failed; the message names the command, its line, how it ended and the end of its output. */
export class SetupFailed extends Error {}

/** Runs a server's setup commands in order; throws SetupFailed at the first that fails (the rest are not run). */
export async function runSetup(hooks: readonly HookSpec[], server: HookServer, options: HookOptions = {}): Promise<void> {
  const environment = hookEnvironment(server);
  for (const hook of hooks) {
    const run = await runHook(hook, environment, server, options);
    options.record?.(recordOf('setup', hook, run));
    const failure = failureOf(run, options.timeoutMs ?? HOOK_TIMEOUT_MS);
    if (failure !== undefined) throw new SetupFailed(describeFailure('setup', hook, run, failure, server));
  }
}

/** Runs a server's teardown commands in reverse order, every one whatever the others did; returns a warning per failure. */
export async function runTeardown(hooks: readonly HookSpec[], server: HookServer, options: Omit<HookOptions, 'signal'> = {}): Promise<string[]> {
  const environment = hookEnvironment(server);
  const warnings: string[] = [];
  for (const hook of [...hooks].reverse()) {
    const run = await runHook(hook, environment, server, options);
    options.record?.(recordOf('teardown', hook, run));
    const failure = failureOf(run, options.timeoutMs ?? HOOK_TIMEOUT_MS);
    if (failure !== undefined) warnings.push(describeFailure('teardown', hook, run, failure, server));
  }
  return warnings;
}
