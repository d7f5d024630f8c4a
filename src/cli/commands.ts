import { ExitCode, UsageError } from '../model/errors.js';
import { planCases, planCasesLazily } from '../plan/plan-cases.js';
import { selectCases } from '../plan/select-cases.js';
import { type Selection } from '../model/results.js';
import { normalizeParam } from '../suite/normalize-param.js';
import type { Case, CaseParams } from '../model/suite-types.js';
import type { CliIo } from './main.js';
import { renderPlanJson, renderPlanText } from './format-plan.js';
import { readSuites } from './read-suites.js';

export interface SuiteOptions {
  readonly var: ReadonlyMap<string, string>;
  readonly maxCases: number;
}

/** `--filter` (repeatable, all must match) and `--shard I/N`. */
export interface SelectOptions {
  readonly filter?: readonly string[];
  readonly shard?: string;
}

/** The cases `--filter` and `--shard` keep, and what they did (undefined when neither was given). */
export function selectFromOptions(all: readonly Case[], options: SelectOptions): { cases: Case[]; selected: Selection | undefined } {
  const { cases, selection } = selectCases(all, { filters: options.filter ?? [], ...(options.shard === undefined ? {} : { shard: options.shard }) });
  return { cases, selected: selection.filters.length > 0 || selection.shard !== undefined ? selection : undefined };
}

/** Reads suites with the CLI's options: `--var`, `--max-cases`, and the overrides of `--repeat`/`--duration`. */
export function readSuiteFiles(files: readonly string[], options: SuiteOptions, io: CliIo, overrides?: CaseParams) {
  return readSuites(files, {
    cwd: io.cwd,
    env: io.env,
    variables: options.var,
    maxCases: options.maxCases,
    ...(overrides === undefined ? {} : { overrides }),
  });
}

/** `perfsuite validate`: one line per valid suite; problems are thrown and printed all at once. */
export async function validateCommand(files: readonly string[], options: SuiteOptions, io: CliIo): Promise<number> {
  const { suites, cases } = readSuiteFiles(files, options, io);
  for (const suite of suites) {
    const count = cases.filter((c) => c.suite === suite.name).length;
    await io.stdout(`ok ${suite.file}: suite '${suite.name}', ${suite.groups.length} group${suite.groups.length === 1 ? '' : 's'}, ${count} case${count === 1 ? '' : 's'}\n`);
  }
  return ExitCode.ok;
}

/** `--repeat` and `--duration`, checked like the same keys in a suite. */
export function parseOverrides(options: { readonly repeat?: number; readonly duration?: string }): CaseParams {
  const overrides: { repeat?: number; duration?: number } = {};
  if (options.repeat !== undefined) overrides.repeat = options.repeat;
  if (options.duration !== undefined) {
    const duration = normalizeParam('duration', /^\d+$/.test(options.duration) ? Number(options.duration) : options.duration);
    if (!duration.ok) throw new UsageError(`--duration: ${duration.message}`);
    overrides.duration = duration.value as number;
  }
  return overrides;
}

/** `perfsuite plan`: every case with its exact netperf argv, as text or JSON. */
export async function planCommand(
  files: readonly string[],
  options: SuiteOptions & SelectOptions & { readonly json?: boolean; readonly repeat?: number; readonly duration?: string },
  io: CliIo,
): Promise<number> {
  const overrides = parseOverrides(options);
  const read = readSuiteFiles(files, options, io, overrides);
  const { suites } = read;
  const { cases, selected } = selectFromOptions(read.cases, options);
  if (options.json === true) {
    for (const chunk of renderPlanJson(planCasesLazily(suites, cases), selected)) await io.stdout(chunk);
  } else {
    await io.stdout(renderPlanText(planCases(suites, cases), selected));
  }
  return ExitCode.ok;
}
