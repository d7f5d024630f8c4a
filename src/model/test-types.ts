/** The netperf test types perfsuite runs, by their migrated names (never `-t OMNI -d ...`). */
export const TEST_NAMES = ['TCP_STREAM', 'TCP_MAERTS', 'UDP_STREAM', 'TCP_RR', 'TCP_CRR', 'UDP_RR'] as const;
export type TestName = (typeof TEST_NAMES)[number];

export interface TestType {
  /** Bulk transfer (throughput) or request/response (transactions, latency). */
  readonly kind: 'stream' | 'rr';
  readonly protocol: 'tcp' | 'udp';
}

export const TEST_TYPES: Readonly<Record<TestName, TestType>> = {
  TCP_STREAM: { kind: 'stream', protocol: 'tcp' },
  TCP_MAERTS: { kind: 'stream', protocol: 'tcp' },
  UDP_STREAM: { kind: 'stream', protocol: 'udp' },
  TCP_RR: { kind: 'rr', protocol: 'tcp' },
  TCP_CRR: { kind: 'rr', protocol: 'tcp' },
  UDP_RR: { kind: 'rr', protocol: 'udp' },
};

export function isTestName(value: unknown): value is TestName {
  return typeof value === 'string' && (TEST_NAMES as readonly string[]).includes(value);
}

/** netperf's default run length (`-l`) in seconds, used when a case sets no duration. */
export const DEFAULT_DURATION_SECONDS = 10;

/** Largest UDP payload over IPv4: 65535 − 20 (IP) − 8 (UDP). netperf fails above it with "Message too long". */
export const MAX_UDP_PAYLOAD_BYTES = 65507;

/** Parameters only some test types use, with the test types that do and a word for the message. */
const TEST_SPECIFIC_PARAMS: Readonly<Record<string, { readonly appliesTo: (t: TestType) => boolean; readonly only: string }>> = {
  send_size: { appliesTo: (t) => t.kind === 'stream', only: 'STREAM and MAERTS tests' },
  recv_size: { appliesTo: (t) => t.kind === 'stream', only: 'STREAM and MAERTS tests' },
  request_size: { appliesTo: (t) => t.kind === 'rr', only: 'RR and CRR tests' },
  response_size: { appliesTo: (t) => t.kind === 'rr', only: 'RR and CRR tests' },
  nodelay: { appliesTo: (t) => t.protocol === 'tcp', only: 'TCP tests' },
  congestion_control: { appliesTo: (t) => t.protocol === 'tcp', only: 'TCP tests' },
  load: { appliesTo: (t) => t.kind === 'rr', only: 'RR and CRR tests, whose latency it loads' },
};

/** Whether `test` uses parameter `param`; if not, which tests do (for the error message). */
export function paramUse(param: string, test: TestName): { used: true } | { used: false; only: string } {
  const rule = TEST_SPECIFIC_PARAMS[param];
  if (rule === undefined || rule.appliesTo(TEST_TYPES[test])) return { used: true };
  return { used: false, only: rule.only };
}
