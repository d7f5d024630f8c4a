import { hostFacts } from './run.js';
import { formatDiagnostic } from '../model/diagnostics.js';
import { checkHost } from '../plan/check-host.js';
import { Command } from '@commander-js/extra-typings';
import { ExitCode } from '../model/errors.js';
import { createNetnsLink, netnsUnavailable } from '../exec/netns-link.js';
import { connectOnce } from '../exec/process.js';
import { findHookProgram, formatHook, hookDirectory, hookLocation, hookProgramProblem, hookVariableNames, unknownHookVariables } from '../exec/server-hooks.js';
import { checkPeerNetserver, sshConfigFile, sshTargetOf } from '../exec/ssh-netserver.js';
import { planCases, type PlannedServer } from '../plan/plan-cases.js';
import { netperfInstallHint, netperfVersion } from '../exec/environment.js';
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

/** One line of the doctor's report: what was checked, whether it is fine, and the detail or the fix. */
export interface Check {
  readonly ok: boolean;
  readonly what: string;
  readonly detail: string;
}

const REACH_TIMEOUT_MS = 5_000;

async function checkSsh(server: PlannedServer, localVersion: string | undefined, configFile: string | undefined): Promise<Check> {
  const what = `${server.key}: ssh ${server.host}`;
  try {
    const version = await checkPeerNetserver(sshTargetOf(server, configFile), server.ssh?.netserver, localVersion);
    return { ok: true, what, detail: `reachable, netserver ${version} there` };
  } catch (error) {
    return { ok: false, what, detail: (error as Error).message };
  }
}

async function checkExternal(server: PlannedServer): Promise<Check> {
  const what = `${server.key}: netserver at ${server.host}:${server.controlPort}`;
  try {
    await connectOnce(server.host, Number(server.controlPort), REACH_TIMEOUT_MS);
    return { ok: true, what, detail: 'accepts connections' };
  } catch (error) {
    return { ok: false, what, detail: `not reachable (${(error as Error).message}); start netserver there or fix host/control_port` };
  }
}

async function checkNetns(server: PlannedServer): Promise<Check> {
  const what = `${server.key}: network namespace`;
  const unavailable = await netnsUnavailable();
  if (unavailable !== undefined) return { ok: false, what, detail: unavailable };
  const { delay, jitter, loss, rate } = server.link ?? {};
  if (delay === undefined && jitter === undefined && loss === undefined) {
    return { ok: true, what, detail: `can be made${rate === undefined ? '' : `, shaped to ${rate} with tc tbf`}` };
  }
  // try netem for real on a throw-away link, as the run would
  let link;
  try {
    link = await createNetnsLink();
  } catch (error) {
    return { ok: false, what, detail: `cannot make a namespace and veth link (${(error as Error).message})` };
  }
  try {
    await link.setNetem(server.link ?? {});
    return { ok: true, what, detail: 'can be made, and netem shapes delay/jitter/loss' };
  } catch (error) {
    return { ok: false, what, detail: (error as Error).message };
  } finally {
    await link.remove();
  }
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
        return { ok: false, what, detail: `${unknown.map((name) => `\${${name}}`).join(', ')} is not a variable of a type: ${server.type} server; it has ${known.map((name) => `\${${name}}`).join(', ')}` };
      }
      return { ok: true, what, detail: `${findHookProgram(hook.argv[0] ?? '', hookDirectory(hook, io.cwd), searchPath) ?? ''} is there` };
    }),
  );
}

/** `perfsuite doctor [suites...]`: netperf and netserver here, then what each server of the given suites needs. */
export async function doctor(files: readonly string[], options: SuiteOptions, io: CliIo): Promise<number> {
  const checks: Check[] = [];
  const [netperf, netserver] = await Promise.all([netperfVersion('netperf'), netperfVersion('netserver')]);
  checks.push(netperf === undefined ? { ok: false, what: 'netperf', detail: `not found; install it with: ${netperfInstallHint()}` } : { ok: true, what: 'netperf', detail: netperf });
  checks.push(netserver === undefined ? { ok: false, what: 'netserver', detail: `not found; install it with: ${netperfInstallHint()}` } : { ok: true, what: 'netserver', detail: netserver });
  if (files.length > 0) {
    const { suites, cases } = readSuiteFiles(files, options, io);
    const configFile = sshConfigFile(io.env);
    const hooksListed = new Set<string>();
    for (const server of planCases(suites, cases).servers) {
      if (server.type === 'ssh') checks.push(await checkSsh(server, netperf, configFile));
      else if (server.type === 'external') checks.push(await checkExternal(server));
      else if (server.type === 'netns') checks.push(await checkNetns(server));
      else checks.push({ ok: netserver !== undefined, what: `${server.key}: local netserver`, detail: netserver === undefined ? 'needs netserver here' : `on ${server.host}` });
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
