import { buildLoadArgv, buildNetperfArgv, type NetperfTarget } from '../netperf/build-argv.js';
import { NETSERVER_PORT, netserverArgv } from '../netperf/netserver-argv.js';
import { estimateRunSeconds } from '../netperf/run-length.js';
import type { TestName } from '../model/test-types.js';
import { activeLoad, type Case, type CaseParams, type HookSpec, repeatRange, type ServerSpec, type SuiteSpec } from '../model/suite-types.js';
import { defined } from '../model/defined.js';

export { estimateRunSeconds } from '../netperf/run-length.js';

/** Placeholders for what is only known at run time. */
export const PORT_PLACEHOLDER = '{port}';
export const PASSPHRASE_PLACEHOLDER = '{passphrase}';
export const NETNS_ADDRESS_PLACEHOLDER = '{netns-address}';
/** The namespace a run makes for a `type: netns` server (named after the run's pid). */
export const NETNS_PLACEHOLDER = '{netns}';

/** A netserver a run needs: which suite's server, how it is reached, and how it is started (if perfsuite starts it). */
export interface PlannedServer {
  /** `<suite>/<server>`, plus `/ipv6` for a local server's second, IPv6 listener. */
  readonly key: string;
  readonly suite: string;
  readonly name: string;
  readonly type: ServerSpec['type'];
  readonly host: string;
  readonly controlPort: number | string;
  /** The netserver argv perfsuite runs (on the peer, for ssh), or undefined when it is already running. */
  readonly netserver: readonly string[] | undefined;
  /** For `type: netns`: the link to shape between this host and the namespace. */
  readonly link?: NetnsLinkSpec;
  /** Commands run on this host after the server is up and before its first case, in order. */
  readonly setup: readonly HookSpec[];
  /** Commands run at the end whatever happened, in reverse order. */
  readonly teardown: readonly HookSpec[];
  /** For `type: ssh`: how to log in, and netserver's path on the peer. */
  readonly ssh?: { readonly user?: string; readonly sshPort?: number; readonly identityFile?: string; readonly netserver?: string };
}

export type NetnsLinkSpec = NonNullable<Extract<ServerSpec, { type: 'netns' }>['link']>;

export interface PlannedCase {
  readonly case: Case;
  readonly serverKey: string;
  /** One netperf instance's argv (a case with `streams: N` runs N of them at once). */
  readonly netperf: readonly string[];
  /** `load:`: the argv of one background stream, its test, and how many run beside every measured run. */
  readonly load?: { readonly netperf: readonly string[]; readonly test: TestName; readonly streams: number };
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
  const servers = new Map<string, PlannedServer>();
  let estimatedSeconds = 0;
  const planOne = (c: Case): PlannedCase => {
    const spec = suitesByName.get(c.suite)?.servers[c.server] ?? { type: 'local' };
    const ipv6 = c.params.ip_version === 6;
    const key = serverKey(c.suite, c.server, spec, ipv6);
    let server = servers.get(key);
    if (server === undefined) {
      server = planServer(c.suite, c.server, spec, ipv6);
      servers.set(key, server);
    }
    const target: NetperfTarget = {
      host: server.host,
      controlPort: server.controlPort,
      ...defined({ dataPort: 'data_port' in spec ? spec.data_port : undefined, passphrase: spec.type === 'ssh' || spec.type === 'netns' ? PASSPHRASE_PLACEHOLDER : undefined }),
    };
    const seconds = estimateCaseSeconds(c.params, c.arm !== undefined);
    estimatedSeconds += seconds;
    const params = c.params as CaseParams & { test: TestName };
    const load = activeLoad(params);
    const loadArgv = buildLoadArgv(params, target);
    return {
      case: c,
      serverKey: server.key,
      netperf: buildNetperfArgv(params, target),
      ...(load === undefined || loadArgv === undefined ? {} : { load: { netperf: loadArgv, test: load.test, streams: load.streams } }),
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

function serverKey(suite: string, name: string, spec: ServerSpec, ipv6: boolean): string {
  return `${suite}/${name}${spec.type === 'local' && ipv6 ? '/ipv6' : ''}`;
}

function planServer(suite: string, name: string, spec: ServerSpec, ipv6: boolean): PlannedServer {
  const base = { suite, name, type: spec.type, setup: spec.setup ?? [], teardown: spec.teardown ?? [] };
  switch (spec.type) {
    case 'local': {
      const host = ipv6 ? '::1' : '127.0.0.1';
      const controlPort = spec.control_port ?? PORT_PLACEHOLDER;
      const netserver = netserverArgv({ host, port: controlPort, ipv6 });
      return { ...base, key: serverKey(suite, name, spec, ipv6), host, controlPort, netserver };
    }
    case 'ssh': {
      const controlPort = spec.control_port ?? NETSERVER_PORT;
      const netserver = netserverArgv({ ...defined({ program: spec.netserver }), port: controlPort, passphrase: PASSPHRASE_PLACEHOLDER });
      const ssh = {
        ...defined({ user: spec.user, sshPort: spec.ssh_port, identityFile: spec.identity_file, netserver: spec.netserver }),
      };
      return { ...base, key: `${suite}/${name}`, host: spec.host, controlPort, netserver, ssh };
    }
    case 'external':
      return { ...base, key: `${suite}/${name}`, host: spec.host, controlPort: spec.control_port ?? NETSERVER_PORT, netserver: undefined };
    case 'netns':
      return {
        ...base,
        key: `${suite}/${name}`,
        host: NETNS_ADDRESS_PLACEHOLDER,
        controlPort: NETSERVER_PORT,
        netserver: netserverArgv({ prefix: ['ip', 'netns', 'exec', NETNS_PLACEHOLDER], host: NETNS_ADDRESS_PLACEHOLDER, port: NETSERVER_PORT, passphrase: PASSPHRASE_PLACEHOLDER }),
        ...defined({ link: spec.link }),
      };
  }
}

