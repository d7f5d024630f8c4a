import { formatHostPort } from '../model/seams.js';
import { netserverArgv } from '../netperf/netserver-argv.js';
import { freePort, type LongProcess, startProcess, waitForListener } from './process.js';

/** A netserver this process started and must stop. */
export interface StartedNetserver {
  readonly host: string;
  readonly port: number;
  readonly pid: number;
  hasExited(): boolean;
  /** Stops netserver and the per-test children it forked (its whole process group); resolves when it is gone. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 5_000;
/** What netserver 2.7.0 prints once it listens (docs/netperf.md). */
const NETSERVER_BANNER = 'Starting netserver with host';

/** Resolves once the port accepts connections; rejects when the process exits first or the deadline passes. */
async function waitUntilListening(host: string, port: number, netserver: LongProcess, deadline: number): Promise<void> {
  let exit: { exitCode: number | undefined; signal: string | undefined; errorCode?: string } | undefined;
  void netserver.exited.then((how) => (exit = how));
  // netserver prints its banner ('Starting netserver with host …') just after listen(), and flushes it: the port is
  // tried then, not at the next step of the back-off (docs/architecture.md, "Before the first netperf")
  let said = '';
  const ready = new Promise<void>((resolve) =>
    netserver.onOutput((text) => {
      said = `${said}${text}`.slice(-200);
      if (said.includes(NETSERVER_BANNER)) resolve();
    }),
  );
  await waitForListener(host, port, {
    ready,
    deadline,
    attemptMs: READY_TIMEOUT_MS,
    timeoutMessage: `netserver did not listen on ${formatHostPort(host, port)} within ${READY_TIMEOUT_MS / 1000} s`,
    gaveUp: () => {
      if (exit === undefined) return undefined;
      const detail = netserver.output().trim().split('\n').slice(-2).join(' / ');
      return new Error(
        `netserver exited with ${exit.exitCode ?? exit.signal ?? exit.errorCode ?? 'an error'} before listening on ${formatHostPort(host, port)}${detail === '' ? '' : ` (${detail})`}`,
      );
    },
  });
}

/**
 * Starts `netserver -D -L <host> -p <port>` in the foreground (so its pid is ours) and in its own process group
 * (so stopping it also stops the children it forks per test). Without a port, a free one is chosen, retrying if
 * another process takes it first.
 */
export async function startLocalNetserver(options: {
  readonly host: string;
  readonly port?: number;
  readonly ipv6?: boolean;
  /** A command netserver runs under, like `ip netns exec <name>` (it must exec netserver, keeping the pid). */
  readonly prefix?: readonly string[];
  /** netserver `-Z`: netperf must send this first, so nobody else can drive it. */
  readonly passphrase?: string;
}): Promise<StartedNetserver> {
  const attempts = options.port === undefined ? 3 : 1;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = options.port ?? (await freePort(options.host));
    // a missing program throws ENOENT here, before anything starts
    const netserver = startProcess(netserverArgv({ ...options, port }));
    try {
      await waitUntilListening(options.host, port, netserver, Date.now() + READY_TIMEOUT_MS);
    } catch (error) {
      lastError = error;
      await netserver.stop(0);
      continue;
    }
    return { host: options.host, port, pid: netserver.pid, hasExited: () => netserver.hasExited(), stop: () => netserver.stop() };
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}
