import { formatDiagnostic } from '../model/diagnostics.js';
import { checkHost } from '../plan/check-host.js';
import { Command } from '@commander-js/extra-typings';
import { defined } from '../model/defined.js';
import { ExitCode } from '../model/errors.js';
import { findProgram, watchdogProblem } from '../exec/process.js';
import { formatHook, hookDirectory, hookLocation, hookProgramProblem } from '../exec/server-hooks.js';
import type { Check, CheckContext, ReadPeerFacts } from '../exec/server-driver.js';
import { driverOf } from '../exec/server-drivers.js';
import { unknownHookVariables } from '../model/hook-variables.js';
import { hookVariableNames } from '../servers/planners.js';
import type { PlannedServer } from '../servers/server-planner.js';
import { planCases } from '../plan/plan-cases.js';
import { hostFacts, netperfInstallHint, netperfVersion } from '../exec/environment.js';
import type { Case, SuiteSpec } from '../model/suite-types.js';
import type { CliIo, Exit } from './io.js';
import { readSuiteFiles, type SuiteOptions, suiteOptions } from './options.js';

export function command(io: CliIo, exit: Exit) {
  return new Command('doctor')
    .argument('[files...]', 'suite files or globs whose servers to check')
    .description('check netperf and netserver here, and what the servers of the given suites need (ssh, versions, namespaces, netem)')
    .addOption(suiteOptions.var())
    .addOption(suiteOptions.maxCases())
    .action(async (files, options) => exit(await doctor(files, options, io)));
}

/**
 * What a server's cases ask of its far end that the checks of this machine do not cover (an ssh peer's congestion
 * control and CPUs, read there by `readPeer`): its driver's `checkFarEnd`.
 */
export function checkServerSide(server: PlannedServer, cases: readonly Case[], suites: readonly SuiteSpec[], readPeer: ReadPeerFacts): Promise<Check[]> {
  return driverOf(server.type).checkFarEnd(server, cases, suites, { readPeerFacts: readPeer });
}

/**
 * One line per setup/teardown command of a server: the command, where it is written, and whether its program is
 * there (a path relative to the suite's directory, or a name on PATH) and its `${PERFSUITE_*}` names exist for this server.
 */
export function checkHooks(server: PlannedServer, io: Pick<CliIo, 'cwd' | 'env'>): Check[] {
  const searchPath = io.env['PATH'] ?? '';
  return (['setup', 'teardown'] as const).flatMap((stage) =>
    server[stage].map((hook): Check => {
      const what = `${server.suite}/${server.name}: ${stage} ${formatHook(hook)} (${hookLocation(hook)})`;
      const problem = hookProgramProblem(hook, io.cwd, searchPath);
      if (problem !== undefined) return { ok: false, what, detail: problem };
      const known = hookVariableNames(server.type);
      const unknown = unknownHookVariables(hook.argv, known);
      if (unknown.length > 0) {
        return {
          ok: false,
          what,
          detail: `${unknown.map((name) => `\${${name}}`).join(', ')} is not a variable of a type: ${server.type} server; it has ${known.map((name) => `\${${name}}`).join(', ')}`,
        };
      }
      return { ok: true, what, detail: `${findProgram(hook.argv[0] ?? '', { cwd: hookDirectory(hook, io.cwd), searchPath }) ?? ''} is there` };
    }),
  );
}

/** `perfsuite doctor [suites...]`: netperf and netserver here, then what each server of the given suites needs. */
export async function doctor(files: readonly string[], options: SuiteOptions, io: CliIo): Promise<number> {
  const checks: Check[] = [];
  const [netperf, netserver] = await Promise.all([netperfVersion('netperf'), netperfVersion('netserver')]);
  checks.push(
    netperf === undefined
      ? { ok: false, what: 'netperf', detail: `not found; install it with: ${netperfInstallHint()}` }
      : { ok: true, what: 'netperf', detail: netperf },
  );
  checks.push(
    netserver === undefined
      ? { ok: false, what: 'netserver', detail: `not found; install it with: ${netperfInstallHint()}` }
      : { ok: true, what: 'netserver', detail: netserver },
  );
  // the version checks above started the watchdog, or found it could not be started
  const watchdog = watchdogProblem();
  if (watchdog !== undefined) checks.push({ ok: false, what: 'process watchdog', detail: watchdog });
  if (files.length > 0) {
    const { suites, cases } = readSuiteFiles(files, options, io);
    const context: CheckContext = { env: io.env, ...defined({ netperfVersion: netperf, netserverVersion: netserver }) };
    const hooksListed = new Set<string>();
    for (const server of planCases(suites, cases).servers) {
      const driver = driverOf(server.type);
      const reached = await driver.check(server, context);
      checks.push(reached);
      // a peer that cannot be reached is reported once, by the line above
      if (reached.ok) checks.push(...(await driver.checkFarEnd(server, cases, suites, context)));
      // a local server's IPv4 and IPv6 listeners share one set of hooks
      if (!hooksListed.has(`${server.suite}/${server.name}`)) checks.push(...checkHooks(server, io));
      hooksListed.add(`${server.suite}/${server.name}`);
    }
    // what run refuses before any case: CPUs of cpu_affinity and congestion control this machine does not have
    for (const problem of checkHost(cases, suites, hostFacts())) checks.push({ ok: false, what: 'this machine', detail: formatDiagnostic(problem) });
  }
  await io.stdout(formatChecks(checks));
  return checks.every((check) => check.ok) ? ExitCode.ok : ExitCode.unmeasured;
}

export function formatChecks(checks: readonly Check[]): string {
  return checks.map((check) => `${check.ok ? '✓' : '✗'} ${check.what}: ${check.detail}\n`).join('');
}
