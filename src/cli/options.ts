import { randomInt } from 'node:crypto';
import { InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { defined } from '../model/defined.js';
import { UsageError } from '../model/errors.js';
import type { Selection } from '../model/results.js';
import type { Case, CaseParams } from '../model/suite-types.js';
import { selectCases } from '../plan/select-cases.js';
import { normalizeParam } from '../suite/normalize-param.js';
import type { CliIo } from './io.js';
import { readSuites } from './read-suites.js';

/** Where run writes, and where report puts a join, without --out. */
export const DEFAULT_OUT_DIR = 'perfsuite-results';

/** The options every command that reads suites shares, each made fresh per command. */
export const suiteOptions = {
  var: () =>
    new Option('--var <NAME=VALUE>', 'fill ${NAME} in suites (repeatable; before the environment)')
      .argParser((value: string, previous: ReadonlyMap<string, string>) => {
        const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(value);
        if (!match) throw new InvalidArgumentError(`expected NAME=VALUE, like --var HOST=10.0.0.2`);
        return new Map(previous).set(match[1] ?? '', match[2] ?? '');
      })
      .default(new Map<string, string>(), 'none'),
  maxCases: () => new Option('--max-cases <n>', 'refuse suites that expand to more cases than this').argParser(positiveInteger).default(100_000),
};

/** `--filter` and `--shard`, for the commands that pick cases. */
export const selectOptions = {
  filter: () =>
    new Option('--filter <expr>', 'only cases matching it: test=TCP_RR, send_size>=16K, or an id glob (repeatable; all must match)')
      .argParser((value: string, previous: readonly string[]) => [...previous, value] as readonly string[])
      .default([] as readonly string[], 'all cases'),
  shard: () => new Option('--shard <I/N>', 'only shard I of N, balanced by estimated time (1-based; or job-index:I/N, 0-based)'),
};

/** `--repeat` and `--duration`: overrides of every case. */
export const overrideOptions = {
  repeat: () => new Option('--repeat <n>', 'override the measured runs of every case').argParser(positiveInteger),
  duration: () => new Option('--duration <d>', 'override the duration of every run, like 5s'),
};

/** How a run judges: the seed of its random choices, and what an empty or undecided comparison does to the exit code. */
export const judgeOptions = {
  seed: () =>
    new Option(
      '--seed <n>',
      'seed of every random choice: the interleaved order of compare: arms and the order of --shuffle (recorded in results.json; the same seed gives the same order)',
    ),
  missingBaseline: () =>
    new Option(
      '--missing-baseline <fail|warn>',
      'when no metric could be compared against --baseline or --history (another suite, renamed cases): fail the run (exit 1), or only warn',
    )
      .choices(['fail', 'warn'] as const)
      .default('fail' as const),
  failOnInconclusive: () => new Option('--fail-on-inconclusive', 'a comparison still inconclusive at repeat max fails its case (exit 1) instead of warning'),
};

/** `--seed` as given, or a fresh random one (recorded in results.json, so any run can be repeated). */
export function seedOf(options: { readonly seed?: string | undefined }): number {
  return options.seed === undefined ? randomInt(2 ** 31) : parseSeed(options.seed);
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of 1 or more');
  return n;
}

export interface SuiteOptions {
  readonly var: ReadonlyMap<string, string>;
  readonly maxCases: number;
}

/** `--filter` (repeatable, all must match) and `--shard I/N`. */
export interface SelectOptions {
  readonly filter?: readonly string[];
  readonly shard?: string | undefined;
}

/** The cases `--filter` and `--shard` keep, and what they did (undefined when neither was given). */
export function selectFromOptions(all: readonly Case[], options: SelectOptions): { cases: Case[]; selected: Selection | undefined } {
  const { cases, selection } = selectCases(all, { filters: options.filter ?? [], ...defined({ shard: options.shard }) });
  return { cases, selected: selection.filters.length > 0 || selection.shard !== undefined ? selection : undefined };
}

/** Reads suites with the CLI's options: `--var`, `--max-cases`, and the overrides of `--repeat`/`--duration`. */
export function readSuiteFiles(files: readonly string[], options: SuiteOptions, io: CliIo, overrides?: CaseParams) {
  return readSuites(files, { cwd: io.cwd, env: io.env, variables: options.var, maxCases: options.maxCases, ...defined({ overrides }) });
}

/** `--repeat` and `--duration`, checked like the same keys in a suite. */
export function parseOverrides(options: { readonly repeat?: number | undefined; readonly duration?: string | undefined }): CaseParams {
  const overrides: { repeat?: number; duration?: number } = {};
  if (options.repeat !== undefined) overrides.repeat = options.repeat;
  if (options.duration !== undefined) {
    const duration = normalizeParam('duration', /^\d+$/.test(options.duration) ? Number(options.duration) : options.duration);
    if (!duration.ok) throw new UsageError(`--duration: ${duration.message}`);
    overrides.duration = duration.value as number;
  }
  return overrides;
}

/** `--seed N`: a whole number from 0 to 2^32 − 1, so results.json can record it exactly. */
export function parseSeed(text: string): number {
  const seed = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(seed) || seed > 2 ** 32 - 1) {
    throw new UsageError(`--seed '${text}' is not a seed; pass a whole number from 0 to 4294967295 (results.json records the seed of every run)`);
  }
  return seed;
}
