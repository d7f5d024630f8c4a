import { buildLoadArgv, buildNetperfArgv, type NetperfTarget } from '../netperf/build-argv.js';
import { estimateRunSeconds } from '../netperf/run-length.js';
import type { TestName } from '../model/test-types.js';
import { type Case, type LoadFlow, type CaseParams, repeatRange, type ServerSpec, type SuiteSpec } from '../model/suite-types.js';
import { defined } from '../model/defined.js';
import { plannerOf } from '../servers/planners.js';
import { PASSPHRASE_PLACEHOLDER, type PlannedServer } from '../servers/server-planner.js';

/** One flow of a planned `load:`. */
export interface PlannedLoadFlow {
  readonly netperf: readonly string[];
  readonly test: LoadFlow['test'];
  readonly streams: number;
  readonly dscp?: number;
}

export interface PlannedCase {
  readonly case: Case;
  readonly serverKey: string;
  /** One netperf instance's argv (a case with `streams: N` runs N of them at once). */
  readonly netperf: readonly string[];
  /** `load:`: per flow, the argv of one of its background streams, its test, how many run beside every measured run, its DSCP. */
  readonly load?: readonly PlannedLoadFlow[];
  readonly estimatedSeconds: number;
}

export interface Plan {
  readonly cases: readonly PlannedCase[];
  readonly servers: readonly PlannedServer[];
  readonly estimatedSeconds: number;
}

/**
 * The seconds a case will take at most: every warm-up and measured run — `repeat: { max }` runs for an arm of a
 * `compare:` group (a comparison that stays inconclusive), `min` for any other case.
 */
export function estimateCaseSeconds(params: CaseParams, isArm = false): number {
  const { min, max } = repeatRange(params);
  return ((params.warmup ?? 0) + (isArm ? max : min)) * estimateRunSeconds(params);
}

/** Turns cases into exact netperf invocations and the servers they need. Pure: ports chosen at run time are placeholders. */
export function planCases(suites: readonly SuiteSpec[], cases: readonly Case[]): Plan {
  const lazy = planCasesLazily(suites, cases);
  const planned = [...lazy.cases];
  return { cases: planned, ...lazy.summary() };
}

/**
 * The same plan, one case at a time, so a 100,000-case plan can be printed without holding every argv;
 * `summary` is complete once `cases` has been iterated.
 */
export function planCasesLazily(
  suites: readonly SuiteSpec[],
  cases: readonly Case[],
): { cases: Iterable<PlannedCase>; summary: () => Pick<Plan, 'servers' | 'estimatedSeconds'> } {
  const suitesByName = new Map(suites.map((s) => [s.name, s]));
  /** By `<suite>/<server>`, and again with `/6` for IPv6 cases (a server type may plan a second listener for them). */
  const planned = new Map<string, PlannedServer>();
  /** By key, in the order cases first need them. */
  const servers = new Map<string, PlannedServer>();
  let estimatedSeconds = 0;
  const planOne = (c: Case): PlannedCase => {
    const spec: ServerSpec = suitesByName.get(c.suite)?.servers[c.server] ?? { type: 'local' };
    const planner = plannerOf(spec.type);
    const ipv6 = c.params.ip_version === 6;
    const plannedKey = `${c.suite}/${c.server}${ipv6 ? '/6' : ''}`;
    let server = planned.get(plannedKey);
    if (server === undefined) {
      const fresh = planner.plan(c.suite, c.server, spec, ipv6);
      // IPv4 and IPv6 cases share one server unless its type gives IPv6 a key (a listener) of its own
      server = servers.get(fresh.key) ?? fresh;
      planned.set(plannedKey, server);
      servers.set(server.key, server);
    }
    const target: NetperfTarget = {
      host: server.host,
      controlPort: server.controlPort,
      ...defined({ dataPort: 'data_port' in spec ? spec.data_port : undefined, passphrase: planner.hasPassphrase ? PASSPHRASE_PLACEHOLDER : undefined }),
    };
    const seconds = estimateCaseSeconds(c.params, c.arm !== undefined);
    estimatedSeconds += seconds;
    const params = c.params as CaseParams & { test: TestName };
    const loadArgv = buildLoadArgv(params, target);
    return {
      case: c,
      serverKey: server.key,
      netperf: buildNetperfArgv(params, target),
      ...(loadArgv === undefined
        ? {}
        : { load: loadArgv.map(({ flow, netperf }) => ({ netperf, test: flow.test, streams: flow.streams, ...defined({ dscp: flow.dscp }) })) }),
      estimatedSeconds: seconds,
    };
  };
  return {
    cases: (function* () {
      for (const c of cases) yield planOne(c);
    })(),
    summary: () => ({ servers: [...servers.values()], estimatedSeconds }),
  };
}
