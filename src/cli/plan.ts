import { Command } from '@commander-js/extra-typings';
import { ExitCode } from '../model/errors.js';
import { planCases, planCasesLazily } from '../plan/plan-cases.js';
import { renderPlanJson, renderPlanText } from './format-plan.js';
import type { CliIo, Exit } from './io.js';
import {
  overrideOptions,
  parseOverrides,
  readSuiteFiles,
  selectFromOptions,
  selectOptions,
  type SelectOptions,
  type SuiteOptions,
  suiteOptions,
} from './options.js';

export function command(io: CliIo, exit: Exit) {
  return new Command('plan')
    .argument('<files...>', 'suite files or globs')
    .description('show the expanded cases, the exact netserver and netperf argv, and the estimated time')
    .addOption(suiteOptions.var())
    .addOption(suiteOptions.maxCases())
    .addOption(selectOptions.filter())
    .addOption(selectOptions.shard())
    .option('--json', 'print the plan as JSON')
    .addOption(overrideOptions.repeat())
    .addOption(overrideOptions.duration())
    .action(async (files, options) => exit(await plan(files, options, io)));
}

export interface PlanOptions extends SuiteOptions, SelectOptions {
  readonly json?: boolean | undefined;
  readonly repeat?: number | undefined;
  readonly duration?: string | undefined;
}

/** `perfsuite plan`: every case with its exact netperf argv, as text or JSON. */
export async function plan(files: readonly string[], options: PlanOptions, io: CliIo): Promise<number> {
  const read = readSuiteFiles(files, options, io, parseOverrides(options));
  const { suites } = read;
  const { cases, selected } = selectFromOptions(read.cases, options);
  if (options.json === true) {
    for (const chunk of renderPlanJson(planCasesLazily(suites, cases), selected)) await io.stdout(chunk);
  } else {
    await io.stdout(renderPlanText(planCases(suites, cases), selected));
  }
  return ExitCode.ok;
}
