import { type Diagnostic, type SourceLocation, sortDiagnostics } from '../model/diagnostics.js';
import { type Case, type CpuAffinity, formatCpuAffinity, type GroupSpec, type Located, type ParamValue, type SuiteSpec } from '../model/suite-types.js';
import { valueKey } from '../suite/normalize-param.js';

/** Servers whose netserver runs on this host, so its CPUs are this host's. */
const SAME_HOST_TYPES = new Set(['local', 'netns']);

/**
 * What a suite cannot know when it is written, checked against this machine before any case runs: `cpu_affinity`
 * CPUs that do not exist here (netperf's `-T` would take them without a word and pin nothing). The remote CPU is
 * checked for servers on this host (local, netns); for ssh and external peers `doctor` reports what it can.
 */
export function checkHost(cases: readonly Case[], suites: readonly SuiteSpec[], cpuCount: number): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const suiteOf = new Map(suites.map((s) => [s.name, s]));
  const range = cpuCount === 1 ? '0' : `0–${cpuCount - 1}`;
  for (const c of cases) {
    const affinity = c.params.cpu_affinity;
    if (affinity === undefined) continue;
    const suite = suiteOf.get(c.suite);
    const group = suite?.groups.find((g) => g.name === c.group);
    const loc = (suite !== undefined && group !== undefined ? locateAffinity(suite, group, affinity) : undefined) ?? c.loc;
    const check = (side: 'local' | 'remote', where: string): void => {
      const cpu = affinity[side];
      if (cpu === undefined || cpu < cpuCount) return;
      diagnostics.push({
        loc,
        message: `cpu_affinity ${formatCpuAffinity(affinity)} pins ${where} to CPU ${cpu}, but this machine has ${cpuCount} CPU${cpuCount === 1 ? '' : 's'} (${range}); netperf would not say so and pin nothing. Pick a CPU from that range, or leave ${side} out`,
      });
    };
    check('local', 'netperf');
    const type = suite?.servers[c.server]?.type ?? 'local';
    if (SAME_HOST_TYPES.has(type)) check('remote', `netserver (server '${c.server}' runs on this machine)`);
  }
  return sortDiagnostics(diagnostics);
}

/** Where a group's cases get this `cpu_affinity` from: a matrix value, an include entry, the group, or the defaults. */
function locateAffinity(suite: SuiteSpec, group: GroupSpec, affinity: CpuAffinity): SourceLocation | undefined {
  const key = valueKey(affinity);
  const candidates: (Located<ParamValue> | undefined)[] = [
    ...(group.matrix?.axes.find((a) => a.name === 'cpu_affinity')?.values ?? []),
    ...(group.matrix?.include.map((e) => e.params.cpu_affinity) ?? []),
    group.params.cpu_affinity,
    suite.defaults.cpu_affinity,
  ];
  return candidates.find((c) => c !== undefined && valueKey(c.value) === key)?.loc;
}
