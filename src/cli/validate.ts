import { Command } from '@commander-js/extra-typings';
import { ExitCode } from '../model/errors.js';
import type { CliIo, Exit } from './io.js';
import { readSuiteFiles, type SuiteOptions, suiteOptions } from './options.js';
import { plural } from '../model/words.js';

export function command(io: CliIo, exit: Exit) {
  return new Command('validate')
    .argument('<files...>', 'suite files or globs')
    .description('check suites: every YAML, schema and semantic error at once, as file:line:col')
    .addOption(suiteOptions.var())
    .addOption(suiteOptions.maxCases())
    .action(async (files, options) => exit(await validate(files, options, io)));
}

/** `perfsuite validate`: one line per valid suite; problems are thrown and printed all at once. */
export async function validate(files: readonly string[], options: SuiteOptions, io: CliIo): Promise<number> {
  const { suites, cases } = readSuiteFiles(files, options, io);
  for (const suite of suites) {
    const count = cases.filter((c) => c.suite === suite.name).length;
    await io.stdout(`ok ${suite.file}: suite '${suite.name}', ${plural(suite.groups.length, 'group')}, ${plural(count, 'case')}\n`);
  }
  return ExitCode.ok;
}
