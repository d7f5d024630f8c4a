import { type Diagnostic, type SourceLocation, sortDiagnostics } from '../model/diagnostics.js';
import { type Case, formatCpuAffinity, type GroupSpec, type Located, type ParamValue, type SuiteSpec } from '../model/suite-types.js';
import { valueKey } from '../suite/normalize-param.js';

/** What this machine offers, read by the caller (the CLI), so the check stays pure. */
export interface HostFacts {
  readonly cpuCount: number;
  /** The kernel's `tcp_available_congestion_control`; undefined when it cannot be read (not Linux). */
  readonly congestionControls?: ReadonlySet<string>;
}

/** What a peer (an ssh server) offers, as far as it could be read there; a field left out was not read. */
export interface PeerFacts {
  /** The peer's name, as its cases' messages say it. */
  readonly host: string;
  /** `nproc` there: the CPUs netserver may be pinned to. */
  readonly cpuCount?: number;
  /** Its kernel's `tcp_available_congestion_control`. */
  readonly congestionControls?: ReadonlySet<string>;
}

/** Servers whose netserver runs on this host, so its CPUs are this host's. */
const SAME_HOST_TYPES = new Set(['local', 'netns']);

/**
 * What a suite cannot know when it is written, checked against this machine before any case runs: `cpu_affinity`
 * CPUs that do not exist here (netperf's `-T` would take them without a word and pin nothing), and a
 * `congestion_control` this kernel does not offer (`-K` of one is ignored without a word). The remote side is checked
 * for servers on this host (local, netns: the same kernel); ssh and external peers are not.
 */
export function checkHost(cases: readonly Case[], suites: readonly SuiteSpec[], host: HostFacts): Diagnostic[] {
  const { cpuCount, congestionControls: available } = host;
  const diagnostics: Diagnostic[] = [];
  const suiteOf = new Map(suites.map((s) => [s.name, s]));
  const machine = { name: 'this machine', kernel: 'this kernel', load: 'load it' };
  for (const c of cases) {
    const affinity = c.params.cpu_affinity;
    if (affinity !== undefined) {
      diagnostics.push(...missingCpu(suiteOf, c, 'local', 'netperf', cpuCount, machine));
      const type = suiteOf.get(c.suite)?.servers[c.server]?.type ?? 'local';
      if (SAME_HOST_TYPES.has(type)) diagnostics.push(...missingCpu(suiteOf, c, 'remote', `netserver (server '${c.server}' runs on this machine)`, cpuCount, machine));
    }
    diagnostics.push(...missingCongestionControl(suiteOf, c, available, machine));
  }
  return sortDiagnostics(diagnostics);
}

/**
 * The remote side of the cases on one server off this host (ssh) against what that peer offers: a `congestion_control`
 * its kernel lacks, a `cpu_affinity` remote CPU it does not have. What could not be read there is not judged.
 */
export function checkPeerHost(cases: readonly Case[], suites: readonly SuiteSpec[], server: { readonly suite: string; readonly name: string }, peer: PeerFacts): Diagnostic[] {
  const suiteOf = new Map(suites.map((s) => [s.name, s]));
  const machine = { name: peer.host, kernel: `the kernel of ${peer.host}`, load: 'load it there' };
  return sortDiagnostics(
    cases
      .filter((c) => c.suite === server.suite && c.server === server.name)
      .flatMap((c) => [
        ...(peer.cpuCount === undefined ? [] : missingCpu(suiteOf, c, 'remote', `netserver on ${peer.host}`, peer.cpuCount, machine)),
        ...missingCongestionControl(suiteOf, c, peer.congestionControls, machine),
      ]),
  );
}

/** How the messages name the machine checked: this one, or a peer. */
interface MachineWords {
  readonly name: string;
  readonly kernel: string;
  readonly load: string;
}

/** A `cpu_affinity` CPU of one side that the machine running that side does not have. */
function missingCpu(suiteOf: ReadonlyMap<string, SuiteSpec>, c: Case, side: 'local' | 'remote', where: string, cpuCount: number, machine: MachineWords): Diagnostic[] {
  const affinity = c.params.cpu_affinity;
  const cpu = affinity?.[side];
  if (affinity === undefined || cpu === undefined || cpu < cpuCount) return [];
  const range = cpuCount === 1 ? '0' : `0–${cpuCount - 1}`;
  return [
    {
      loc: locate(suiteOf, c, 'cpu_affinity', affinity),
      message: `cpu_affinity ${formatCpuAffinity(affinity)} pins ${where} to CPU ${cpu}, but ${machine.name} has ${cpuCount} CPU${cpuCount === 1 ? '' : 's'} (${range}); netperf would not say so and pin nothing. Pick a CPU from that range, or leave ${side} out`,
    },
  ];
}

/** A case's `congestion_control` that a kernel offering `available` lacks (nothing when the list could not be read). */
function missingCongestionControl(suiteOf: ReadonlyMap<string, SuiteSpec>, c: Case, available: ReadonlySet<string> | undefined, machine: MachineWords): Diagnostic[] {
  const wanted = c.params.congestion_control;
  if (wanted === undefined || available === undefined || available.has(wanted)) return [];
  return [
    {
      loc: locate(suiteOf, c, 'congestion_control', wanted),
      message: `congestion_control ${wanted} is not available in ${machine.kernel} (it has ${[...available].join(', ')}); ${machine.load} (modprobe tcp_${wanted}) or pick one of those`,
    },
  ];
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
