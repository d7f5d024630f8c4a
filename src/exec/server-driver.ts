import type { PeerFacts } from '../model/host-facts.js';
import type { ServerAddress } from '../model/seams.js';
import type { LinkCounters, ServerFacts } from '../model/server-facts.js';
import type { Case, SuiteSpec } from '../model/suite-types.js';
import type { PlannedServer, ServerPlanner, ServerType } from '../servers/server-planner.js';
import type { StartedNetserver } from './local-netserver.js';

/**
 * A server type's driver: its pure half (plan, display, checks, hook variables, provenance: src/servers/) and the
 * verbs that run processes. The pool (server-pool.ts) only keeps track of lifecycles and `doctor` only prints; neither
 * asks which type a server is. A new server type is a driver here, its pure half there, its spec in the schema and
 * the type union (model/suite-types.ts).
 */
export interface ServerDriver<T extends ServerType = ServerType> extends ServerPlanner<T> {
  /**
   * Makes a planned server usable: starts its netserver (here, over ssh, in a namespace it makes) or checks that one
   * answers. Throws ServerUnavailable naming the server and what to do.
   */
  start(server: PlannedServer<T>, context: StartContext): Promise<RunningServer>;
  /** `doctor`: whether a server of this type can be used from here, tried without measuring anything. */
  check(server: PlannedServer<T>, context: CheckContext): Promise<Check>;
  /**
   * `doctor`, once `check` passed: what the server's cases ask of its far end that the checks of this machine do not
   * cover (an ssh peer's congestion control and CPUs). Nothing when they ask nothing of it.
   */
  checkFarEnd(server: PlannedServer<T>, cases: readonly Case[], suites: readonly SuiteSpec[], context: CheckContext): Promise<Check[]>;
}

/** What a run gives a driver that starts a server. */
export interface StartContext {
  /** netperf's version here; a peer's netserver must match it. */
  readonly netperfVersion?: string;
  /** The environment perfsuite runs in: a driver reads its own variables from it (ssh's PERFSUITE_SSH_CONFIG). */
  readonly env?: NodeJS.ProcessEnv;
  /** Told, as it happens, of what was done that the user did not ask for (a killed run's namespaces, removed). */
  readonly warn?: (message: string) => void;
  /**
   * What a driver makes once per run under `key` and keeps across restarts of the netserver (a server's namespace,
   * under its key), or does once for all its servers (under a key with no `/`, which server keys always have).
   */
  once<T>(key: string, make: () => Promise<T>): Promise<T>;
  /** Undoes, at the end of the run, after every netserver has stopped, what `once` made (deletes a namespace). */
  atEnd(undo: () => Promise<void>): void;
}

/** A server a driver brought up. */
export interface RunningServer {
  /** Where netperf connects, and the passphrase of a netserver started off this host. */
  readonly address: ServerAddress;
  /** The netserver this run started: stopped at the end, started again when it died. Absent for one already running. */
  readonly netserver?: StartedNetserver;
  /** The variables its setup and teardown get besides every server's (the planner's `hookVariables`). */
  readonly hookVariables?: Readonly<Record<string, string>>;
  /** The command prefix that runs a command inside its namespace (`{ in: namespace }` hooks), when it has one. */
  readonly namespaceExec?: readonly string[];
  /** Reads what shapes TCP on each side of its path (src/exec/path-facts.ts): once per run, after its setup. Never throws. */
  readonly readFacts?: () => Promise<ServerFacts>;
  /** On a link perfsuite made: its qdiscs' drop and overlimit counters, both ends summed, read before and after each run. */
  readonly readLinkCounters?: () => Promise<LinkCounters>;
  /** On a link perfsuite made: steers each end's receive processing to the CPU of the process that reads it (a pinned case). */
  readonly steerReceive?: (cpus: { readonly local: number; readonly remote: number } | undefined) => Promise<void>;
}

/** One line of the doctor's report: what was checked, whether it is fine, and the detail or the fix. */
export interface Check {
  readonly ok: boolean;
  readonly what: string;
  readonly detail: string;
}

/** Reads what an ssh peer offers (its congestion control, the ssh user's uid, its CPUs). */
export type ReadPeerFacts = (server: PlannedServer<'ssh'>) => Promise<PeerFacts>;

/** What `doctor` found here, for the drivers' checks. */
export interface CheckContext {
  /** netperf's version here (undefined: not installed); a peer's netserver must match it. */
  readonly netperfVersion?: string;
  /** netserver's version here (undefined: not installed). */
  readonly netserverVersion?: string;
  /** The environment perfsuite runs in, as in StartContext. */
  readonly env?: NodeJS.ProcessEnv;
  /** How a peer's facts are read: over ssh unless given (tests give a fake). */
  readonly readPeerFacts?: ReadPeerFacts;
}
