/**
 * What shapes TCP on each side of a server's path, read once per server per run after its setup (results.json
 * `servers[].facts`): the window-bounding sysctls and the default congestion control, the interface towards the other
 * side with its MTU, and that interface's qdiscs with their parameters and counters.
 */

/** One qdisc of an interface, as `tc -s qdisc show` gives it. */
export interface QdiscFacts {
  /** `tbf`, `fq_codel`, `noqueue`, … */
  readonly kind: string;
  /** `root`, a class (`1:1`), or `ingress`. */
  readonly parent: string;
  /** Its parameters as tc prints them: `rate 100Mbit burst 64Kb lat 50ms`. */
  readonly parameters: string;
  /** Packets it dropped, and times it held one back over its rate, since it was made (when the facts were read). */
  readonly drops: number;
  readonly overlimits: number;
}

/** The interface on the path to the other side. */
export interface InterfaceFacts {
  readonly name: string;
  readonly mtu?: number;
  readonly qdiscs?: readonly QdiscFacts[];
}

/** One side of a server's path. */
export interface SideFacts {
  /** The sysctls that bound TCP's windows and pick its congestion control there, by name (`net.ipv4.tcp_rmem` → `4096 131072 6291456`). */
  readonly sysctls: Readonly<Record<string, string>>;
  readonly interface?: InterfaceFacts;
}

/** Both sides of a server's path. */
export interface ServerFacts {
  /** netperf's end: this host. */
  readonly local?: SideFacts;
  /** netserver's end (a namespace, an ssh peer); absent where it is this host too (`local`) or cannot be seen (`external`). */
  readonly remote?: SideFacts;
  /** What could not be read, and why. */
  readonly problems?: readonly string[];
}

/** The counters of the qdiscs of a link perfsuite made at one moment, both ends summed. */
export interface LinkCounters {
  readonly drops: number;
  readonly overlimits: number;
}

/**
 * The sysctls read on each side: the limits and defaults of socket buffers (what bounds TCP's windows), the default
 * congestion control and queueing discipline, and the TCP options that change how a window grows.
 */
export const FACT_SYSCTLS = [
  'net.core.rmem_max',
  'net.core.wmem_max',
  'net.core.rmem_default',
  'net.core.wmem_default',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
  'net.ipv4.tcp_mem',
  'net.ipv4.tcp_congestion_control',
  'net.core.default_qdisc',
  'net.ipv4.tcp_window_scaling',
  'net.ipv4.tcp_timestamps',
  'net.ipv4.tcp_sack',
  'net.ipv4.tcp_ecn',
  'net.ipv4.tcp_mtu_probing',
  'net.ipv4.tcp_slow_start_after_idle',
  'net.ipv4.tcp_notsent_lowat',
  'net.ipv4.tcp_no_metrics_save',
  'net.core.netdev_max_backlog',
] as const;
