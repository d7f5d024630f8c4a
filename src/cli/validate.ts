import { Command } from '@commander-js/extra-typings';
import { hostFacts } from '../exec/environment.js';
import { type Diagnostic, formatLocation, sortDiagnostics } from '../model/diagnostics.js';
import { pastAcceptances } from '../suite/accept-warnings.js';
import { fewRunsForBaseline } from '../suite/few-runs.js';
import { BISECT_VARIABLES } from '../model/hook-variables.js';
import { bisectArms } from '../plan/bisect-arms.js';
import { ExitCode } from '../model/errors.js';
import type { HostFacts } from '../model/host-facts.js';
import type { Case, SuiteSpec } from '../model/suite-types.js';
import { checkHost } from '../plan/check-host.js';
import { plannerOf } from '../servers/planners.js';
import type { CliIo, Exit } from './io.js';
import { type SuiteOptions, suiteOptions } from './options.js';
import { readSuites } from './read-suites.js';
import { plural } from '../model/words.js';

export function command(io: CliIo, exit: Exit) {
  return new Command('validate')
    .argument('<files...>', 'suite files or globs')
    .description('check suites: every YAML, schema and semantic error at once, as file:line:col, and what run would refuse on this machine')
    .addOption(suiteOptions.var())
    .addOption(suiteOptions.maxCases())
    .option(
      '--no-host-checks',
      'skip the checks of this machine (cpu_affinity CPUs, congestion_control), for validating suites that run on another machine; run and doctor still make them',
    )
    .option('--bisect', 'check the suites as perfsuite bisect reads them: ${PERFSUITE_COMMIT} and ${PERFSUITE_WORKTREE} in hooks, a compare: group on server')
    .action(async (files, options) => exit(await validate(files, options, io)));
}

export interface ValidateOptions extends SuiteOptions {
  /** Check what the suites ask of this machine, as `run` does before any case (default true). */
  readonly hostChecks?: boolean;
  /** This machine, as the host checks see it (tests inject one). */
  readonly host?: HostFacts;
  /** The moment `accept:` days are checked against (tests inject one). */
  readonly now?: Date;
  /** Check the suites as `perfsuite bisect` reads them. */
  readonly bisect?: boolean;
}

/** What a validation on another machine is told to do about a problem of this one. */
const ELSEWHERE = 'run refuses it here too; validating for another machine? pass --no-host-checks';

/**
 * `perfsuite validate`: one line per valid suite; problems are thrown and printed all at once. Like `run`, it checks
 * what the suites ask of this machine (CPUs of cpu_affinity, congestion_control), labelled "on this host", so a suite
 * validate passes is one run does not refuse here; `--no-host-checks` leaves that to run and doctor.
 */
export async function validate(files: readonly string[], options: ValidateOptions, io: CliIo): Promise<number> {
  const checkThisHost = options.hostChecks !== false;
  const host = checkThisHost ? (options.host ?? hostFacts()) : undefined;
  const bisect = options.bisect === true;
  const warnings: Diagnostic[] = [];
  const { suites, cases } = readSuites(files, {
    cwd: io.cwd,
    env: io.env,
    variables: options.var,
    maxCases: options.maxCases,
    ...(bisect ? { hookVariables: BISECT_VARIABLES } : {}),
    // reported with every other problem of the suites, at once
    check: (read: { suites: readonly SuiteSpec[]; cases: readonly Case[] }) => {
      const checked = bisect ? bisectArms(read.suites, read.cases) : undefined;
      warnings.push(...(checked?.warnings ?? []));
      return [...(host === undefined ? [] : hostProblems(read.cases, read.suites, host)), ...(checked?.diagnostics ?? [])];
    },
  });
  for (const suite of suites) {
    const count = cases.filter((c) => c.suite === suite.name).length;
    await io.stdout(`ok ${suite.file}: suite '${suite.name}', ${plural(suite.groups.length, 'group')}, ${plural(count, 'case')}\n`);
  }
  const note = hostNote(cases, suites, host);
  if (note !== undefined) await io.stdout(`${note}\n`);
  // a past day is no error (the suite still runs, its regression fails again), but now is the time to hear of it; nor
  // are bisect arms whose hooks never use their worktree, nor a regression no baseline comparison can ever decide
  const today = (options.now ?? new Date()).toISOString().slice(0, 10);
  for (const warning of sortDiagnostics([...warnings, ...pastAcceptances(suites, today), ...fewRunsForBaseline(suites, cases)])) {
    io.stderr(`${formatLocation(warning.loc)}: warning: ${warning.message}\n`);
  }
  return ExitCode.ok;
}

/** What run would refuse on this machine, each labelled as a problem of this host rather than of the suite. */
function hostProblems(cases: readonly Case[], suites: readonly SuiteSpec[], host: HostFacts): Diagnostic[] {
  return checkHost(cases, suites, host).map((d) => ({ loc: d.loc, message: `on this host: ${d.message} (${ELSEWHERE})` }));
}

/**
 * The line after the ok lines when the suites ask anything of the machine: what was checked here and what was not
 * (undefined when they ask nothing of it).
 */
export function hostNote(cases: readonly Case[], suites: readonly SuiteSpec[], host: HostFacts | undefined): string | undefined {
  const algorithms = [...new Set(cases.map((c) => c.params.congestion_control).filter((a) => a !== undefined))].sort();
  const cpus = cases.flatMap((c) => [c.params.cpu_affinity?.local, c.params.cpu_affinity?.remote]).filter((cpu) => cpu !== undefined);
  if (algorithms.length === 0 && cpus.length === 0) return undefined;
  const asked = [cpus.length > 0 ? 'cpu_affinity' : '', algorithms.length > 0 ? 'congestion_control' : ''].filter((s) => s !== '').join(' and ');
  if (host === undefined) return `host checks skipped (--no-host-checks): run and doctor check ${asked} against the machine they run on`;
  const found: string[] = [];
  // a loop, not Math.max(...cpus): a spread of a few hundred thousand arguments overflows the stack
  if (cpus.length > 0) found.push(`cpu_affinity CPUs up to ${cpus.reduce((a, b) => Math.max(a, b))} of the ${host.cpuCount} here`);
  if (algorithms.length > 0) {
    found.push(
      host.availableCongestionControls === undefined
        ? `congestion_control ${algorithms.join(', ')} not checked (this system does not list its algorithms; run checks that netperf applied them)`
        : `congestion_control ${algorithms.join(', ')} available here`,
    );
  }
  const onPeer = (c: Case): boolean => {
    const type = suites.find((s) => s.name === c.suite)?.servers[c.server]?.type;
    return type !== undefined && plannerOf(type).farEnd === 'peer';
  };
  const peers = cases.some((c) => onPeer(c) && (c.params.congestion_control !== undefined || c.params.cpu_affinity?.remote !== undefined));
  return `ok on this host: ${found.join('; ')} (another machine that runs these suites checks them again${peers ? '; doctor checks the ssh peers' : ''})`;
}
