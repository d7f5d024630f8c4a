import type { Provenance } from './history.js';
import type { Environment, SetupDifference } from './results.js';

/** What a run records about where and how it was measured: its machine, and (from results v2 on) its provenance. */
export interface RunSetup {
  readonly environment: Environment;
  readonly provenance?: Provenance;
}

const COMPARED_ENVIRONMENT: readonly (keyof Environment)[] = ['netperfVersion', 'kernel', 'cpuCount', 'cpuModel', 'hostname'];

/**
 * Everything that differs between two runs' machine and setup, except what always differs between two builds
 * (commit, ref, CI run id): netperf and kernel versions, CPUs, host, perfsuite version, runner image, each `${NAME}`
 * value of a suite both ran, and each effective server spec (link, setup and teardown commands). A changed setup
 * must never pass for a regression, so every comparison lists these beside its verdicts.
 */
export function setupDifferences(baseline: RunSetup, current: RunSetup): SetupDifference[] {
  const differences: SetupDifference[] = COMPARED_ENVIRONMENT.filter((field) => String(baseline.environment[field]) !== String(current.environment[field])).map(
    (field) => ({
      field,
      baseline: String(baseline.environment[field]),
      current: String(current.environment[field]),
    }),
  );
  const before = baseline.provenance;
  const after = current.provenance;
  if (before === undefined || after === undefined) return differences;
  const add = (field: string, a: string | undefined, b: string | undefined): void => {
    if ((a ?? '') !== (b ?? '')) differences.push({ field, baseline: a ?? '', current: b ?? '' });
  };
  add('perfsuiteVersion', before.perfsuiteVersion, after.perfsuiteVersion);
  add('runnerImage', before.runnerImage, after.runnerImage);
  // only suites and servers both runs have: a suite one of them did not run is not a difference of setup
  for (const suite of Object.keys(after.variables).filter((s) => s in before.variables)) {
    const a = before.variables[suite] ?? {};
    const b = after.variables[suite] ?? {};
    for (const name of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) add(`${suite} \${${name}}`, a[name], b[name]);
  }
  for (const key of Object.keys(after.servers).filter((k) => k in before.servers)) {
    const a = before.servers[key];
    const b = after.servers[key];
    add(`server ${key} type`, a?.type, b?.type);
    add(`server ${key} host`, a?.host, b?.host);
    add(`server ${key} link`, a?.link, b?.link);
    add(`server ${key} setup`, a?.setup?.join('; '), b?.setup?.join('; '));
    add(`server ${key} teardown`, a?.teardown?.join('; '), b?.teardown?.join('; '));
  }
  return differences;
}
