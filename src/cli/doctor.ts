import { formatHostPort } from '../model/seams.js';
import { formatDiagnostic } from '../model/diagnostics.js';
import type { PeerFacts } from '../model/host-facts.js';
import { checkHost, checkPeerHost } from '../plan/check-host.js';
import { Command } from '@commander-js/extra-typings';
import { ExitCode } from '../model/errors.js';
import { createNetnsLink, netnsUnavailable } from '../exec/netns-link.js';
import { connectOnce, findProgram } from '../exec/process.js';
import { formatHook, hookDirectory, hookLocation, hookProgramProblem, hookVariableNames, unknownHookVariables } from '../exec/server-hooks.js';
import { checkPeerNetserver, readPeerFacts, sshConfigFile, sshTargetOf } from '../exec/ssh-netserver.js';
import { planCases, type PlannedServer } from '../plan/plan-cases.js';
import { hostFacts, netperfInstallHint, netperfVersion } from '../exec/environment.js';
import type { Case, SuiteSpec } from '../model/suite-types.js';
import type { CliIo, Exit } from './io.js';
import { readSuiteFiles, type SuiteOptions, suiteOptions } from './options.js';
import { plural } from '../model/words.js';

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
  const what = `${server.key}: netserver at ${formatHostPort(server.host, server.controlPort)}`;
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

/** Reads what an ssh peer offers (its congestion control, the ssh user's uid, its CPUs); the real one is readPeerFacts over ssh. */
export type ReadPeerFacts = (server: PlannedServer) => Promise<PeerFacts>;

/**
 * What a server's cases ask of its far end that the checks of this machine do not cover: for an ssh peer, the
 * `congestion_control` its kernel offers (and allows the ssh user, unless that is root) and the CPUs `cpu_affinity`
 * remote pins netserver to, read there; for a namespace, a note that it runs on this kernel. Nothing when no case asks
 * (or for other servers).
 */
export async function checkServerSide(server: PlannedServer, cases: readonly Case[], suites: readonly SuiteSpec[], readPeer: ReadPeerFacts): Promise<Check[]> {
  const own = cases.filter((c) => c.suite === server.suite && c.server === server.name);
  const algorithms = [...new Set(own.map((c) => c.params.congestion_control).filter((name) => name !== undefined))];
  const pinsRemote = own.some((c) => c.params.cpu_affinity?.remote !== undefined);
  if (server.type === 'netns' && algorithms.length > 0) {
    return [{ ok: true, what: `${server.key}: congestion control`, detail: "the namespace shares this machine's kernel and its modules, so the check of this machine covers it" }];
  }
  if (server.type !== 'ssh' || (algorithms.length === 0 && !pinsRemote)) return [];
  const what = `${server.key}: on ${server.host}`;
  let facts: PeerFacts;
  try {
    facts = await readPeer(server);
  } catch (error) {
    return [{ ok: false, what, detail: `cannot read its congestion control and CPUs (${(error as Error).message})` }];
  }
  const problems = checkPeerHost(cases, suites, server, facts);
  if (problems.length > 0) return problems.map((problem) => ({ ok: false, what, detail: formatDiagnostic(problem) }));
  const found: string[] = [];
  if (algorithms.length > 0) found.push(describeCongestionControl(algorithms, facts));
  if (pinsRemote) found.push(facts.cpuCount === undefined ? 'nproc did not answer there, so cpu_affinity remote is not checked' : `${plural(facts.cpuCount, 'CPU')} for cpu_affinity remote`);
  return [{ ok: true, what, detail: found.join('; ') }];
}

/** Why the congestion control the cases ask of a peer passed: what it offers and, for an ssh user that is not root, allows. */
function describeCongestionControl(algorithms: readonly string[], facts: PeerFacts): string {
  const { availableCongestionControls: available, allowedCongestionControls: allowed } = facts;
  if (available === undefined) return 'tcp_available_congestion_control cannot be read there (not Linux?), so only the run checks that congestion_control applied';
  const offered = `congestion control ${algorithms.join(', ')} offered (it has ${[...available].join(', ')})`;
  if (allowed === undefined || facts.isPrivileged === true) return offered;
  if (facts.isPrivileged === false) return `${offered} and allowed to the ssh user, who is not root (allowed: ${[...allowed].join(', ')})`;
  return `${offered}; whether the ssh user is root cannot be read there (id -u), so tcp_allowed_congestion_control is not judged`;
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
      return { ok: true, what, detail: `${findProgram(hook.argv[0] ?? '', { cwd: hookDirectory(hook, io.cwd), searchPath }) ?? ''} is there` };
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
    const readPeer: ReadPeerFacts = (server) => readPeerFacts(sshTargetOf(server, configFile));
    for (const server of planCases(suites, cases).servers) {
      const reached = server.type === 'ssh' ? await checkSsh(server, netperf, configFile) : server.type === 'external' ? await checkExternal(server) : server.type === 'netns' ? await checkNetns(server) : undefined;
      checks.push(reached ?? { ok: netserver !== undefined, what: `${server.key}: local netserver`, detail: netserver === undefined ? 'needs netserver here' : `on ${server.host}` });
      // a peer that cannot be reached is reported once, by the line above
      if (reached?.ok === true) checks.push(...(await checkServerSide(server, cases, suites, readPeer)));
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
