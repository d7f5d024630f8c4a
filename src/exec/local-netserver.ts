import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { waitForListener } from './probe-port.js';

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
const STOP_GRACE_MS = 2_000;

/** A TCP port nothing listens on at the moment (the kernel's pick). */
export async function freePort(host: string): Promise<number> {
  const server = net.createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** Resolves once the port accepts connections; rejects when the process exits first or the deadline passes. */
async function waitUntilListening(host: string, port: number, child: ChildProcess, deadline: number): Promise<void> {
  let exitCode: number | null = child.exitCode;
  child.once('exit', (code) => {
    exitCode = code ?? -1;
  });
  await waitForListener(host, port, {
    deadline,
    attemptMs: READY_TIMEOUT_MS,
    timeoutMessage: `netserver did not listen on ${host}:${port} within ${READY_TIMEOUT_MS / 1000} s`,
    gaveUp: () => (exitCode === null ? undefined : new Error(`netserver exited with ${exitCode} before listening on ${host}:${port}`)),
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
    const args = ['-D', '-L', options.host, '-p', String(port), ...(options.ipv6 === true ? ['-6'] : []), ...(options.passphrase === undefined ? [] : ['-Z', options.passphrase])];
    const [command = 'netserver', ...rest] = [...(options.prefix ?? []), 'netserver', ...args];
    const child = spawn(command, rest, { stdio: 'ignore', detached: true });
    const spawnError = once(child, 'error').then(([error]) => {
      throw error as Error;
    });
    try {
      await Promise.race([waitUntilListening(options.host, port, child, Date.now() + READY_TIMEOUT_MS), spawnError]);
    } catch (error) {
      lastError = error;
      killGroup(child, 'SIGKILL');
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') break;
      continue;
    }
    spawnError.catch(() => undefined);
    return {
      host: options.host,
      port,
      pid: child.pid ?? -1,
      hasExited: () => child.exitCode !== null || child.signalCode !== null,
      stop: async () => {
        if (child.exitCode !== null || child.signalCode !== null) {
          killGroup(child, 'SIGKILL'); // leftover per-test children
          return;
        }
        const exited = once(child, 'exit');
        killGroup(child, 'SIGTERM');
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
        killGroup(child, 'SIGKILL');
      },
    };
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}
