import type { PlannedServer } from '../plan/plan-cases.js';
import { type ServerPool, ServerUnavailable } from '../run/run-cases.js';
import { startLocalNetserver, type StartedNetserver } from './local-netserver.js';
import { connectOnce } from './probe-port.js';

const REACH_TIMEOUT_MS = 5_000;

export interface ManagedServerPool extends ServerPool {
  /** Every server in use, with the pid of those this run started. */
  describe(): { key: string; host: string; port: number; pid?: number }[];
  /** Stops every netserver this run started, with their children. Safe to call more than once. */
  stopAll(): Promise<void>;
}

/** Starts local netservers on first use and checks external ones before their first case. */
export function createServerPool(servers: readonly PlannedServer[]): ManagedServerPool {
  const byKey = new Map(servers.map((s) => [s.key, s]));
  const started = new Map<string, StartedNetserver>();
  const checked = new Map<string, Promise<{ host: string; port: number }>>();
  /** What each server was last reached at (kept after stopping, for results.json). */
  const reached = new Map<string, { key: string; host: string; port: number; pid?: number }>();

  const startLocal = async (server: PlannedServer): Promise<{ host: string; port: number }> => {
    try {
      const netserver = await startLocalNetserver({
        host: server.host,
        ...(typeof server.controlPort === 'number' ? { port: server.controlPort } : {}),
        ipv6: server.host.includes(':'),
      });
      started.set(server.key, netserver);
      reached.set(server.key, { key: server.key, host: netserver.host, port: netserver.port, pid: netserver.pid });
      return { host: netserver.host, port: netserver.port };
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'netserver is not installed (run scripts/install-deps.sh)' : (error as Error).message;
      throw new ServerUnavailable({ kind: 'no-netserver', message: `could not start the local netserver for ${server.key}: ${reason}` });
    }
  };

  const acquire = (key: string): Promise<{ host: string; port: number }> => {
    let pending = checked.get(key);
    if (pending === undefined) {
      const server = byKey.get(key);
      if (server === undefined) throw new Error(`no planned server ${key}`);
      pending =
        server.type === 'local'
          ? startLocal(server)
          : checkReachable(server).then((address) => {
              reached.set(key, { key, ...address });
              return address;
            });
      checked.set(key, pending);
    }
    return pending;
  };

  return {
    acquire,
    async recover(key) {
      const netserver = started.get(key);
      if (netserver === undefined) return;
      // its exit may not have been noticed yet, so a netserver that refuses connections counts as dead too
      if (!netserver.hasExited() && (await accepts(netserver.host, netserver.port))) return;
      await netserver.stop();
      started.delete(key);
      checked.delete(key);
      await acquire(key);
    },
    describe() {
      return [...reached.values()];
    },
    async stopAll() {
      const stopping = [...started.values()].map((s) => s.stop());
      started.clear();
      await Promise.all(stopping);
    },
  };
}

async function accepts(host: string, port: number): Promise<boolean> {
  try {
    await connectOnce(host, port, REACH_TIMEOUT_MS);
    return true;
  } catch {
    return false;
  }
}

/** An external netserver must accept a connection on its control port before its first case. */
async function checkReachable(server: PlannedServer): Promise<{ host: string; port: number }> {
  const port = Number(server.controlPort);
  try {
    await connectOnce(server.host, port, REACH_TIMEOUT_MS);
    return { host: server.host, port };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTFOUND' || (error as NodeJS.ErrnoException).code === 'EAI_AGAIN') {
      throw new ServerUnavailable({ kind: 'dns', message: `the host ${server.host} of ${server.key} does not resolve; check its host: name or use an IP address` });
    }
    throw new ServerUnavailable({
      kind: 'no-netserver',
      message: `cannot reach the netserver of ${server.key} at ${server.host}:${port} (${(error as Error).message}); start it there (netserver -p ${port}) or fix host/control_port`,
    });
  }
}
