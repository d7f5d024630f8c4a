/**
 * What a machine offers that a suite may ask of it, read at the edges (the CLI here, ssh on a peer) so the checks of
 * plan/ stay pure. A field left out was not read.
 */

/**
 * Which TCP congestion control algorithms a process there may set: root (CAP_NET_ADMIN) any the kernel offers, any other
 * user only the allowed ones; setting another is ignored without a word, so netperf's `-K` gets the default.
 */
export interface CongestionControlFacts {
  /** The kernel's `tcp_available_congestion_control`: what it offers at all. */
  readonly availableCongestionControls?: ReadonlySet<string>;
  /** The kernel's `tcp_allowed_congestion_control`: what a process that is not root may set. */
  readonly allowedCongestionControls?: ReadonlySet<string>;
  /** Whether the process that sets the algorithm runs as root (uid 0), so may set any available one. */
  readonly isPrivileged?: boolean;
}

/** This machine, where netperf (and a local or netns netserver) runs as perfsuite's own user. */
export interface HostFacts extends CongestionControlFacts {
  readonly cpuCount: number;
}

/** A peer (an ssh server), where netserver runs as the ssh user. */
export interface PeerFacts extends CongestionControlFacts {
  /** The peer's name, as its cases' messages say it. */
  readonly host: string;
  /** `nproc` there: the CPUs netserver may be pinned to. */
  readonly cpuCount?: number;
}
