import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { formatDiagnostic, sortDiagnostics } from '../model/diagnostics.js';
import { ExitCode, PerfsuiteError, SuiteError } from '../model/errors.js';

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** Where the CLI writes; injectable so tests and embedders can capture output. */
export interface CliIo {
  /** Resolves when the text may be followed by more (backpressure for large outputs). */
  readonly stdout: (text: string) => void | Promise<void>;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Whether stdout is a terminal (colour, progress line). */
  readonly isTTY: boolean;
}

const processIo: CliIo = {
  stdout: (text) => (process.stdout.write(text) ? undefined : once(process.stdout, 'drain').then(() => undefined)),
  stderr: (text) => void process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
  isTTY: process.stdout.isTTY,
};

function collectVariable(value: string, previous: Map<string, string>): Map<string, string> {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(value);
  if (!match) throw new InvalidArgumentError(`expected NAME=VALUE, like --var HOST=10.0.0.2`);
  return new Map(previous).set(match[1] ?? '', match[2] ?? '');
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of 1 or more');
  return n;
}

function collectFilter(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `--filter` and `--shard`, for the commands that pick cases. */
const selectOptions = (command: Command): Command =>
  command
    .addOption(new Option('--filter <expr>', 'only cases matching it: test=TCP_RR, send_size>=16K, or an id glob (repeatable; all must match)').argParser(collectFilter).default([], 'all cases'))
    .option('--shard <I/N>', 'only shard I of N, balanced by estimated time (1-based; or job-index:I/N, 0-based)');

const suiteOptions = (command: Command): Command =>
  command
    .addOption(new Option('--var <NAME=VALUE>', 'fill ${NAME} in suites (repeatable; before the environment)').argParser(collectVariable).default(new Map<string, string>(), 'none'))
    .option('--max-cases <n>', 'refuse suites that expand to more cases than this', positiveInteger, 100_000);

/** Builds the command-line program; each action sets the exit code it earned. */
export function createProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('perfsuite')
    .description('Declarative YAML test suites for network performance with netperf, for CI.')
    .version(packageJson.version, '-V, --version')
    .configureOutput({ writeOut: (text) => void io.stdout(text), writeErr: io.stderr })
    .exitOverride()
    .showSuggestionAfterError();

  suiteOptions(program.command('validate').argument('<files...>', 'suite files or globs'))
    .description('check suites: every YAML, schema and semantic error at once, as file:line:col')
    .action(async (files: string[], options: { var: Map<string, string>; maxCases: number }) => {
      const { validateCommand } = await import('./commands.js');
      setExitCode(await validateCommand(files, options, io));
    });

  selectOptions(suiteOptions(program.command('plan').argument('<files...>', 'suite files or globs')))
    .description('show the expanded cases, the exact netserver and netperf argv, and the estimated time')
    .option('--json', 'print the plan as JSON')
    .option('--repeat <n>', 'override the measured runs of every case', positiveInteger)
    .addOption(new Option('--duration <d>', 'override the duration of every run, like 5s'))
    .action(async (files: string[], options: { var: Map<string, string>; maxCases: number; json?: boolean; repeat?: number; duration?: string; filter: string[]; shard?: string }) => {
      const { planCommand } = await import('./commands.js');
      setExitCode(await planCommand(files, options, io));
    });

  selectOptions(suiteOptions(program.command('run').argument('<files...>', 'suite files or globs')))
    .description('run every case with netperf, judge thresholds (and regressions with --baseline), write results.json after each case and the reports at the end')
    .option('--out <dir>', 'directory for results.json and the reports', 'perfsuite-results')
    .option('--repeat <n>', 'override the measured runs of every case', positiveInteger)
    .addOption(new Option('--duration <d>', 'override the duration of every run, like 5s'))
    .option('--reporter <names>', 'reports to write besides results.json: junit, markdown, html (comma-separated)', 'junit,markdown,html')
    .option('--baseline <results.json>', 'judge each group\'s regression: tolerances against this earlier run (exit 1 on a regression)')
    .action(async (files: string[], options: { var: Map<string, string>; maxCases: number; out: string; repeat?: number; duration?: string; reporter: string; baseline?: string; filter: string[]; shard?: string }) => {
      const [{ runCommand }, { parseOverrides }, { parseReporters }] = await Promise.all([import('./run-command.js'), import('./commands.js'), import('./publish-results.js')]);
      const reporters = parseReporters(options.reporter).filter((name) => name !== 'json');
      setExitCode(await runCommand(files, { var: options.var, maxCases: options.maxCases, out: options.out, overrides: parseOverrides(options), version: packageJson.version, reporters, filter: options.filter, ...(options.shard === undefined ? {} : { shard: options.shard }), ...(options.baseline === undefined ? {} : { baseline: options.baseline }) }, io));
    });

  program
    .command('report')
    .argument('<results...>', 'results.json files of earlier runs')
    .description('re-render junit.xml, report.md and report.html from results.json alone (and the GitHub summary in Actions)')
    .option('--out <dir>', 'directory for the reports (default: the directory of the first results file)')
    .option('--reporter <names>', 'reports to write: json, junit, markdown, html (default: junit,markdown,html; with several files also json)')
    .option('--baseline <results.json>', 'judge the results against this earlier run')
    .action(async (files: string[], options: { out?: string; reporter?: string; baseline?: string }) => {
      const [{ reportCommand }, { parseReporters }] = await Promise.all([import('./report-command.js'), import('./publish-results.js')]);
      // joining shards makes a new run, so it gets a results.json; re-rendering one file leaves it alone
      const reporters = parseReporters(options.reporter ?? (files.length > 1 ? 'json,junit,markdown,html' : 'junit,markdown,html'));
      setExitCode(await reportCommand(files, { ...(options.out === undefined ? {} : { out: options.out }), ...(options.baseline === undefined ? {} : { baseline: options.baseline }), reporters }, io));
    });

  program
    .command('compare')
    .argument('<baseline>', 'results.json of the earlier run')
    .argument('<results>', 'results.json of the run to judge')
    .description("judge a run against a baseline with each group's regression: tolerances; exit 1 on a regression")
    .option('--out <dir>', 'also write the reports, with the comparison, into this directory')
    .option('--reporter <names>', 'reports to write with --out: json, junit, markdown, html (comma-separated)', 'json,junit,markdown,html')
    .action(async (baseline: string, results: string, options: { out?: string; reporter: string }) => {
      const [{ reportCommand }, { parseReporters }] = await Promise.all([import('./report-command.js'), import('./publish-results.js')]);
      const reporters = options.out === undefined ? [] : parseReporters(options.reporter);
      setExitCode(await reportCommand([results], { ...(options.out === undefined ? {} : { out: options.out }), baseline, reporters }, io));
    });

  suiteOptions(program.command('doctor').argument('[files...]', 'suite files or globs whose servers to check'))
    .description('check netperf and netserver here, and what the servers of the given suites need (ssh, versions, namespaces, netem)')
    .action(async (files: string[], options: { var: Map<string, string>; maxCases: number }) => {
      const { doctorCommand } = await import('./doctor-command.js');
      setExitCode(await doctorCommand(files, options, io));
    });

  program
    .command('init')
    .description('write a starter suite (suites/network.yml) and a GitHub workflow that runs it; never overwrites')
    .option('--dir <dir>', 'the repository to write into', '.')
    .action(async (options: { dir: string }) => {
      const { initCommand } = await import('./init-command.js');
      setExitCode(await initCommand(options, io));
    });

  program
    .command('schema')
    .description('print the suite JSON Schema (for editors and other tools)')
    .action(async () => {
      const { suiteSchemaText } = await import('../suite/suite-schema.js');
      await io.stdout(suiteSchemaText());
    });

  return program;
}

/** The bin entry: parses argv, runs the command, and maps the outcome to an exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  if (io.env['NO_COLOR'] !== undefined && io.env['NO_COLOR'] !== '') {
    const { default: chalk } = await import('chalk');
    chalk.level = 0;
  }
  let exitCode: number = ExitCode.ok;
  const program = createProgram(io, (code) => {
    exitCode = Math.max(exitCode, code);
  });
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    exitCode = handleError(error, io);
  }
  process.exitCode = exitCode;
  return exitCode;
}

function handleError(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // help and version exit 0; every other commander error is a usage error
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  if (error instanceof SuiteError) {
    const diagnostics = sortDiagnostics(error.diagnostics);
    io.stderr(diagnostics.map((d) => `${formatDiagnostic(d)}\n`).join(''));
    const files = new Set(diagnostics.map((d) => d.loc.file)).size;
    io.stderr(`perfsuite: ${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}; nothing was run\n`);
    return error.exitCode;
  }
  if (error instanceof PerfsuiteError) {
    io.stderr(`perfsuite: ${error.message}\n`);
    return error.exitCode;
  }
  io.stderr(`perfsuite: unexpected error (please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return ExitCode.unmeasured;
}
