import { type Diagnostic, type SourceLocation, sortDiagnostics } from '../model/diagnostics.js';
import { type Case, formatCpuAffinity, type GroupSpec, type Located, type ParamValue, type SuiteSpec } from '../model/suite-types.js';
import { valueKey } from '../suite/normalize-param.js';

/** What this machine offers, read by the caller (the CLI), so the check stays pure. */
export interface HostFacts {
  readonly cpuCount: number;
  /** The kernel's `tcp_available_congestion_control`; undefined when it cannot be read (not Linux). */
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
  const range = cpuCount === 1 ? '0' : `0–${cpuCount - 1}`;
  /** The line that gave the case this value, or the case's own. */
  const locate = (c: Case, name: 'cpu_affinity' | 'congestion_control', value: ParamValue): SourceLocation => {
    const suite = suiteOf.get(c.suite);
    const group = suite?.groups.find((g) => g.name === c.group);
    return (suite !== undefined && group !== undefined ? locateParam(suite, group, name, value) : undefined) ?? c.loc;
  };
  for (const c of cases) {
    const affinity = c.params.cpu_affinity;
    if (affinity !== undefined) {
      const check = (side: 'local' | 'remote', where: string): void => {
        const cpu = affinity[side];
        if (cpu === undefined || cpu < cpuCount) return;
        diagnostics.push({
          loc: locate(c, 'cpu_affinity', affinity),
          message: `cpu_affinity ${formatCpuAffinity(affinity)} pins ${where} to CPU ${cpu}, but this machine has ${cpuCount} CPU${cpuCount === 1 ? '' : 's'} (${range}); netperf would not say so and pin nothing. Pick a CPU from that range, or leave ${side} out`,
        });
      };
      check('local', 'netperf');
      const type = suiteOf.get(c.suite)?.servers[c.server]?.type ?? 'local';
      if (SAME_HOST_TYPES.has(type)) check('remote', `netserver (server '${c.server}' runs on this machine)`);
    }
    const wanted = c.params.congestion_control;
    if (wanted !== undefined && available !== undefined && !available.has(wanted)) {
      diagnostics.push({
        loc: locate(c, 'congestion_control', wanted),
        message: `congestion_control ${wanted} is not available in this kernel (it has ${[...available].join(', ')}); load it (modprobe tcp_${wanted}) or pick one of those`,
      });
    }
  }
  return sortDiagnostics(diagnostics);
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
