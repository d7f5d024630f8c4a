import { defined } from '../model/defined.js';
import type { ServerProvenance } from '../model/history.js';
import type { HookSpec, ServerSpec } from '../model/suite-types.js';

/** The server types a suite may name (`servers: { <name>: { type: … } }`). */
export type ServerType = ServerSpec['type'];
/** The spec of one server type. */
export type ServerSpecOf<T extends ServerType> = SpecByType[T];
type SpecByType = { readonly [K in ServerType]: Extract<ServerSpec, { readonly type: K }> };

/** Placeholders for what is only known at run time. */
export const PORT_PLACEHOLDER = '{port}';
export const PASSPHRASE_PLACEHOLDER = '{passphrase}';
/** The server's address when the run makes it (a namespace's end of its link): filled in from the address acquired. */
export const ADDRESS_PLACEHOLDER = '{address}';

/** A netserver a run needs: which suite's server, how it is reached, and how it is started (if perfsuite starts it). */
export interface PlannedServer<T extends ServerType = ServerType> {
  /** `<suite>/<server>`, plus `/ipv6` for a local server's second, IPv6 listener. */
  readonly key: string;
  readonly suite: string;
  readonly name: string;
  readonly type: T;
  /** The server as the suite wrote it: what only its type's driver reads (an ssh login, a namespace's link). */
  readonly spec: ServerSpecOf<T>;
  readonly host: string;
  readonly controlPort: number | string;
  /** The netserver argv perfsuite runs (on the peer, for ssh), or undefined when it is already running. */
  readonly netserver: readonly string[] | undefined;
  /** Commands run on this host after the server is up and before its first case, in order. */
  readonly setup: readonly HookSpec[];
  /** Commands run at the end whatever happened, in reverse order. */
  readonly teardown: readonly HookSpec[];
}

/**
 * The pure half of a server type's driver: how a server of that type is planned and shown, what the suite's checks and
 * the checks of this machine need to know about it, which variables its hooks get, and what results.json keeps of it.
 * No process, file or clock. The process half (start, stop, doctor's checks) is `ServerDriver` in
 * src/exec/server-driver.ts; nothing outside the two halves asks which type a server is.
 */
export interface ServerPlanner<T extends ServerType = ServerType> {
  readonly type: T;
  /**
   * Where its netserver runs: on this machine (its CPUs and kernel are this machine's, so the checks of this host cover
   * both ends), on a peer perfsuite logs into (doctor reads that peer's CPUs and kernel), or elsewhere (nobody checks).
   */
  readonly farEnd: 'this-host' | 'peer' | 'elsewhere';
  /** netperf sends the fresh passphrase (`-Z`) of the netserver perfsuite starts for it off this host. */
  readonly hasPassphrase: boolean;
  /** The `PERFSUITE_*` variables its setup and teardown commands get besides every server's. */
  readonly hookVariables: readonly string[];
  /** It has a network namespace, which `{ in: namespace }` setup and teardown commands run in. */
  readonly hasNamespace: boolean;
  /**
   * The server the cases of suite `suite` on server `name` need (`ipv6`: those with ip_version 6), with what to show
   * of it. `spec` is of this type (an implementation declares it as `ServerSpecOf<T>`).
   */
  plan(suite: string, name: string, spec: ServerSpecOf<T>, ipv6: boolean): PlannedServer<T>;
  /** Why a case with ip_version 6 cannot be measured on it (`server 'lab' has the IPv4 address …`), or undefined. */
  ipv6Problem(name: string, spec: ServerSpecOf<T>): string | undefined;
  /** What a run's provenance keeps of it, to tell two runs' setups apart. */
  provenance(server: PlannedServer<T>): ServerProvenance;
}

/** What every planned server has, from its spec: where it is written, the spec itself and its hooks. */
export function plannedBase<T extends ServerType>(
  suite: string,
  name: string,
  spec: ServerSpecOf<T>,
): Pick<PlannedServer<T>, 'suite' | 'name' | 'type' | 'spec' | 'setup' | 'teardown'> {
  return { suite, name, type: spec.type, spec, setup: spec.setup ?? [], teardown: spec.teardown ?? [] };
}

/** A server given by an IPv4 address cannot serve an IPv6 case. */
export function ipv4HostProblem(name: string, host: string): string | undefined {
  return /^\d+\.\d+\.\d+\.\d+$/.test(host) ? `server '${name}' has the IPv4 address ${host}` : undefined;
}

/** The provenance of a server: its type, `host` when it has a real one, the link its driver made, and its hooks as written. */
export function provenanceOf(server: PlannedServer, host: string | undefined, link?: string): ServerProvenance {
  const commands = (hooks: readonly HookSpec[]): string[] | undefined =>
    hooks.length === 0 ? undefined : hooks.map((h) => `${h.inNamespace ? '(in namespace) ' : ''}${h.argv.join(' ')}`);
  return { type: server.type, ...defined({ host, link, setup: commands(server.setup), teardown: commands(server.teardown) }) };
}
