import { readFileSync } from 'node:fs';
import { Command, CommanderError } from '@commander-js/extra-typings';
import { formatDiagnostic, sortDiagnostics } from '../model/diagnostics.js';
import { ExitCode, PerfsuiteError, SuiteError } from '../model/errors.js';
import { type CliIo, type Exit, processIo } from './io.js';
import { plural } from '../model/words.js';
import { sourceStack } from './source-stack.js';

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** A command's file: its definition and action, built for one invocation. */
export interface CommandModule {
  readonly command: (io: CliIo, exit: Exit, version: string) => Command<unknown[], Record<string, unknown>>;
}

/** One file per command, loaded only when asked for (help and unknown commands load them all, --version none). */
const COMMANDS: Readonly<Record<string, () => Promise<CommandModule>>> = {
  validate: () => import('./validate.js'),
  plan: () => import('./plan.js'),
  run: () => import('./run.js'),
  report: () => import('./report.js'),
  compare: () => import('./compare.js'),
  history: () => import('./history.js'),
  bisect: () => import('./bisect.js'),
  doctor: () => import('./doctor.js'),
  init: () => import('./init.js'),
  schema: () => import('./schema.js'),
  comment: () => import('./comment.js'),
};

/** The command-line program with the commands `argv` needs. */
export async function createProgram(argv: readonly string[], io: CliIo, exit: Exit): Promise<Command> {
  const program = new Command('perfsuite')
    .description('Declarative YAML test suites for network performance with netperf, for CI.')
    .version(packageJson.version, '-V, --version')
    .configureOutput({ writeOut: (text) => void io.stdout(text), writeErr: io.stderr })
    .exitOverride()
    .showSuggestionAfterError();
  const asked = argv[2];
  // --version needs no command; a command name needs its own; anything else (help, a typo) lists them all
  const loaders =
    asked === '-V' || asked === '--version'
      ? []
      : Object.entries(COMMANDS).filter(([name]) => asked === undefined || !Object.hasOwn(COMMANDS, asked) || name === asked);
  const modules = await Promise.all(loaders.map(([, load]) => load()));
  for (const module of modules) program.addCommand(module.command(io, exit, packageJson.version).copyInheritedSettings(program));
  return program;
}

/** The CLI: parses argv, runs the command, and returns the exit code (the bin sets it; nothing else does). */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const exit: Exit = (code) => {
    exitCode = Math.max(exitCode, code);
  };
  try {
    const program = await createProgram(argv, io, exit);
    await program.parseAsync([...argv]);
  } catch (error) {
    exitCode = handleError(error, io);
  }
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
    io.stderr(`perfsuite: ${plural(diagnostics.length, 'problem')} in ${plural(files, 'file')}; nothing was run\n`);
    return error.exitCode;
  }
  if (error instanceof PerfsuiteError) {
    io.stderr(`perfsuite: ${error.message}\n`);
    return error.exitCode;
  }
  io.stderr(`perfsuite: unexpected error (please report it): ${error instanceof Error ? sourceStack(error.stack ?? error.message) : String(error)}\n`);
  return ExitCode.unmeasured;
}
