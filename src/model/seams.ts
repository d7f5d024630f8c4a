import type { ProcessOutcome, RunFailure } from './netperf-outcome.js';
import type { LinkCounters } from './server-facts.js';

/**
 * The two seams between orchestration (run/) and the outside world (exec/): a real implementation spawns processes,
 * a fake one serves the orchestration tests.
 */

/** Runs one netperf process; the real one spawns netperf, a fake one serves orchestration tests. */
export interface NetperfExecutor {
  run(argv: readonly string[], options: { readonly timeoutMs: number; readonly signal: AbortSignal }): Promise<ProcessOutcome>;
}

/** Where a server listens, and the passphrase of one perfsuite started off this host (netns, ssh). */
export interface ServerAddress {
  readonly host: string;
  readonly port: number;
  readonly passphrase?: string;
}

/** The netservers of a run: started on first use, restarted after they die, stopped at the end. */
export interface ServerPool {
  /** Where netperf should connect for this server; starts or checks it on first use. Throws a RunFailure-like error. */
  acquire(serverKey: string): Promise<ServerAddress>;
  /** Called after an infrastructure failure, before a retry: restarts a managed server that has died. */
  recover(serverKey: string): Promise<void>;
  /**
   * The drop and overlimit counters of the qdiscs on a link perfsuite made for this server (a namespace's veth, both
   * ends), read before and after each run; undefined for a server on no such link, or a pool that has none.
   */
  linkCounters?(serverKey: string): Promise<LinkCounters | undefined>;
  /**
   * Before a run pinned to `cpus`: on a link perfsuite made for this server, steers each end's receive processing to
   * the CPU of the process that reads it, so the case's whole path runs on its CPUs; before an unpinned run (undefined),
   * puts back the kernel's default where an earlier case steered it; nothing for other servers.
   */
  steer?(serverKey: string, cpus: { readonly local: number; readonly remote: number } | undefined): Promise<void>;
}

/** A server that cannot be used: every case on it is an error with this failure. */
export class ServerUnavailable extends Error {
  constructor(readonly failure: RunFailure) {
    super(failure.message);
  }
}

/** `host:port` as people and URLs write it: an IPv6 address in brackets (`[::1]:12865`), once even when it has them. */
export function formatHostPort(host: string, port: number | string): string {
  return `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}
