import { type Diagnostic, type SourceLocation, sortDiagnostics } from '../model/diagnostics.js';
import type { CongestionControlFacts, HostFacts, PeerFacts } from '../model/host-facts.js';
import { type Case, formatCpuAffinity, type GroupSpec, type Located, type ParamValue, type SuiteSpec } from '../model/suite-types.js';
import { valueKey } from '../suite/normalize-param.js';
import { plural } from '../model/words.js';
import { plannerOf } from '../servers/planners.js';

/**
 * What a suite cannot know when it is written, checked against this machine before any case runs: `cpu_affinity`
 * CPUs that do not exist here (netperf's `-T` would take them without a word and pin nothing), and a
 * `congestion_control` perfsuite's user cannot set here (`-K` of one is ignored without a word): one this kernel does
 * not offer, or, unless perfsuite runs as root, one it does not allow unprivileged users. The remote side is checked
 * for servers on this host (local, netns: the same kernel, and netserver runs as perfsuite's user or as root);
 * ssh and external peers are not.
 */
export function checkHost(cases: readonly Case[], suites: readonly SuiteSpec[], host: HostFacts): Diagnostic[] {
  const { cpuCount } = host;
  const diagnostics: Diagnostic[] = [];
  const suiteOf = new Map(suites.map((s) => [s.name, s]));
  const machine: MachineWords = {
    name: 'this machine',
    kernel: 'this kernel',
    load: 'load it',
    allow: 'allow it',
    whoRuns: 'perfsuite does not run as root',
    asRoot: 'run perfsuite as root',
  };
  for (const c of cases) {
    const affinity = c.params.cpu_affinity;
    if (affinity !== undefined) {
      diagnostics.push(...missingCpu(suiteOf, c, 'local', 'netperf', cpuCount, machine));
      // a server whose netserver runs on this host has this host's CPUs
      const type = suiteOf.get(c.suite)?.servers[c.server]?.type ?? 'local';
      if (plannerOf(type).farEnd === 'this-host')
        diagnostics.push(...missingCpu(suiteOf, c, 'remote', `netserver (server '${c.server}' runs on this machine)`, cpuCount, machine));
    }
    diagnostics.push(...unsettableCongestionControl(suiteOf, c, host, machine));
  }
  return sortDiagnostics(diagnostics);
}

/**
 * The remote side of the cases on one server off this host (ssh) against what that peer offers: a `congestion_control`
 * its kernel lacks or, when netserver there does not run as root, does not allow; a `cpu_affinity` remote CPU it does
 * not have. What could not be read there is not judged.
 */
export function checkPeerHost(
  cases: readonly Case[],
  suites: readonly SuiteSpec[],
  server: { readonly suite: string; readonly name: string },
  peer: PeerFacts,
): Diagnostic[] {
  const suiteOf = new Map(suites.map((s) => [s.name, s]));
  const machine: MachineWords = {
    name: peer.host,
    kernel: `the kernel of ${peer.host}`,
    load: 'load it there',
    allow: 'allow it there',
    whoRuns: `netserver does not run as root on ${peer.host}`,
    asRoot: 'run netserver there as root (user: root)',
  };
  return sortDiagnostics(
    cases
      .filter((c) => c.suite === server.suite && c.server === server.name)
      .flatMap((c) => [
        ...(peer.cpuCount === undefined ? [] : missingCpu(suiteOf, c, 'remote', `netserver on ${peer.host}`, peer.cpuCount, machine)),
        ...unsettableCongestionControl(suiteOf, c, peer, machine),
      ]),
  );
}

/** How the messages name the machine checked: this one, or a peer. */
interface MachineWords {
  readonly name: string;
  readonly kernel: string;
  readonly load: string;
  readonly allow: string;
  /** Why the allowed list matters there. */
  readonly whoRuns: string;
  readonly asRoot: string;
}

/** A `cpu_affinity` CPU of one side that the machine running that side does not have. */
function missingCpu(
  suiteOf: ReadonlyMap<string, SuiteSpec>,
  c: Case,
  side: 'local' | 'remote',
  where: string,
  cpuCount: number,
  machine: MachineWords,
): Diagnostic[] {
  const affinity = c.params.cpu_affinity;
  const cpu = affinity?.[side];
  if (affinity === undefined || cpu === undefined || cpu < cpuCount) return [];
  const range = cpuCount === 1 ? '0' : `0–${cpuCount - 1}`;
  return [
    {
      loc: locate(suiteOf, c, 'cpu_affinity', affinity),
      message: `cpu_affinity ${formatCpuAffinity(affinity)} pins ${where} to CPU ${cpu}, but ${machine.name} has ${plural(cpuCount, 'CPU')} (${range}); netperf would not say so and pin nothing. Pick a CPU from that range, or leave ${side} out`,
    },
  ];
}

/**
 * A case's `congestion_control` that the process setting it cannot set: one the kernel does not offer, or, for a
 * process that is not root, one outside `tcp_allowed_congestion_control`. What could not be read is not judged.
 */
function unsettableCongestionControl(suiteOf: ReadonlyMap<string, SuiteSpec>, c: Case, facts: CongestionControlFacts, machine: MachineWords): Diagnostic[] {
  const wanted = c.params.congestion_control;
  if (wanted === undefined) return [];
  const { availableCongestionControls: available, allowedCongestionControls: allowed } = facts;
  const isAvailable = available === undefined || available.has(wanted);
  const isDisallowed = facts.isPrivileged === false && allowed !== undefined && !allowed.has(wanted);
  if (isAvailable && !isDisallowed) return [];
  const allowIt = `sysctl -w net.ipv4.tcp_allowed_congestion_control='${[...(allowed ?? []), wanted].join(' ')}'`;
  let message: string;
  if (isAvailable) {
    const offered = available === undefined ? '' : 'available but ';
    message = `congestion_control ${wanted} is ${offered}not allowed for unprivileged users on ${machine.name} (allowed: ${[...(allowed ?? [])].join(', ')}); ${machine.allow} (${allowIt}) or ${machine.asRoot}`;
  } else {
    message = `congestion_control ${wanted} is not available in ${machine.kernel} (it has ${[...(available ?? [])].join(', ')}); ${machine.load} (modprobe tcp_${wanted}) or pick one of those`;
    if (isDisallowed) message += `; ${machine.whoRuns}, so allow it too (${allowIt})`;
  }
  return [{ loc: locate(suiteOf, c, 'congestion_control', wanted), message }];
}

/** The line that gave the case this value, or the case's own. */
function locate(suiteOf: ReadonlyMap<string, SuiteSpec>, c: Case, name: 'cpu_affinity' | 'congestion_control', value: ParamValue): SourceLocation {
  const suite = suiteOf.get(c.suite);
  const group = suite?.groups.find((g) => g.name === c.group);
  return (suite !== undefined && group !== undefined ? locateParam(suite, group, name, value) : undefined) ?? c.loc;
}

/** Where a group's cases get this value of a parameter from: a matrix value, an include entry, the group, or the defaults. */
function locateParam(suite: SuiteSpec, group: GroupSpec, name: 'cpu_affinity' | 'congestion_control', value: ParamValue): SourceLocation | undefined {
  const key = valueKey(value);
  const candidates: (Located<ParamValue> | undefined)[] = [
    ...(group.matrix?.axes.find((a) => a.name === name)?.values ?? []),
    ...(group.matrix?.include.map((e) => e.params[name]) ?? []),
    group.params[name],
    suite.defaults[name],
  ];
  return candidates.find((c) => c !== undefined && valueKey(c.value) === key)?.loc;
}
