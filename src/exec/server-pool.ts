import { randomBytes } from 'node:crypto';
import type { PlannedServer } from '../plan/plan-cases.js';
import { formatHostPort, type ServerAddress, type ServerPool, ServerUnavailable } from '../model/seams.js';
import { startLocalNetserver, type StartedNetserver } from './local-netserver.js';
import { createNetnsLink, describeStaleRemoval, netnsUnavailable, removeStaleNamespaces, type NetnsLink } from './netns-link.js';
import { checkPeerNetserver, SshNetserverError, sshTargetOf, startSshNetserver } from './ssh-netserver.js';
import { connectOnce } from './process.js';
import { NETSERVER_PORT } from '../netperf/netserver-argv.js';
import { type HookServer, runSetup, runTeardown } from './server-hooks.js';
import { defined } from '../model/defined.js';
import type { HookRecord, ServerDescription } from '../model/results.js';

const REACH_TIMEOUT_MS = 5_000;

export interface ManagedServerPool extends ServerPool {
  /** Every server in use, with the pid of those this run started and its setup and teardown commands as they ran. */
  describe(): ServerDescription[];
  /**
   * Runs the teardown of every server whose setup was attempted (also one that failed part-way), then stops every
   * netserver this run started, with their children, and removes its namespaces. Safe to call more than once.
   */
  stopAll(): Promise<void>;
  /** One line per teardown command that failed so far (they never fail the run): for the caller to print. */
  teardownWarnings(): readonly string[];
}

export interface ServerPoolOptions {
  readonly sshConfigFile?: string;
  /** netperf's version here; a peer's netserver must match it. */
  readonly netperfVersion?: string;
  /** The run's Ctrl-C: kills a setup command that is running (teardown still runs in stopAll). */
  readonly signal?: AbortSignal;
  /** What the suite paths in hook locations are relative to (the CLI's cwd); process.cwd() unless given. */
  readonly cwd?: string;
  /** Told, as it happens, of what the pool did that the user did not ask for (namespaces a killed run left, removed). */
  readonly warn?: (message: string) => void;
}

/** A server whose setup was attempted: its teardown is owed. */
interface HookedServer {
  readonly server: PlannedServer;
  readonly hookServer: HookServer;
  /** Settles when setup has finished; rejects with ServerUnavailable when it failed. */
  readonly setup: Promise<void>;
}

/**
 * Brings each server up on first use: starts a local netserver, starts netserver on an ssh peer, or makes a namespace
 * with its netserver; checks an external one. Then runs its setup commands, once per server of a suite (a local
 * server's IPv4 and IPv6 listeners share them). `stopAll` undoes all of it, teardown first.
 */
export function createServerPool(servers: readonly PlannedServer[], options: ServerPoolOptions = {}): ManagedServerPool {
  const byKey = new Map(servers.map((s) => [s.key, s]));
  const started = new Map<string, StartedNetserver>();
  const links = new Map<string, { link: NetnsLink; passphrase: string }>();
  const checked = new Map<string, Promise<ServerAddress>>();
  let staleRemoved: Promise<unknown> | undefined;
  /** What each server was last reached at (kept after stopping, for results.json). */
  const reached = new Map<string, { key: string; host: string; port: number; pid?: number }>();
  /** Servers whose setup began, by `<suite>/<name>`, in the order it began. */
  const hooked = new Map<string, HookedServer>();
  /** Each server's setup and teardown commands as they ran, by the key of the server they ran for. */
  const hookRecords = new Map<string, HookRecord[]>();
  const recordFor = (key: string) => (record: HookRecord): void => {
    hookRecords.set(key, [...(hookRecords.get(key) ?? []), record]);
  };
  const warnings: string[] = [];
  let stopping: Promise<void> = Promise.resolve();

  const startLocal = async (server: PlannedServer): Promise<ServerAddress> => {
    try {
      const netserver = await startLocalNetserver({
        host: server.host,
        ...defined({ port: typeof server.controlPort === 'number' ? server.controlPort : undefined }),
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

  /** A namespace (made once per run, shaped as asked) and a netserver inside it with a fresh passphrase. */
  const startNetns = async (server: PlannedServer): Promise<ServerAddress> => {
    let made = links.get(server.key);
    try {
      if (made === undefined) {
        const unavailable = await netnsUnavailable();
        if (unavailable !== undefined) throw new Error(unavailable);
        // said, never silent: they are someone's (a killed run's) leftovers, and a note tells them where they went
        staleRemoved ??= removeStaleNamespaces().then((removed) => {
          for (const removal of removed) options.warn?.(describeStaleRemoval(removal));
        });
        await staleRemoved;
        const link = await createNetnsLink();
        made = { link, passphrase: randomBytes(16).toString('hex') };
        links.set(server.key, made);
        const { rate, delay, jitter, loss } = server.link ?? {};
        if (delay !== undefined || jitter !== undefined || loss !== undefined) await link.setNetem(server.link ?? {});
        else if (rate !== undefined) await link.setRate(rate);
      }
      const { link, passphrase } = made;
      const netserver = await startLocalNetserver({ host: link.peerAddress, port: NETSERVER_PORT, prefix: link.exec, passphrase });
      started.set(server.key, netserver);
      reached.set(server.key, { key: server.key, host: link.peerAddress, port: NETSERVER_PORT, pid: netserver.pid });
      return { host: link.peerAddress, port: NETSERVER_PORT, passphrase };
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'netserver or ip is not installed (run scripts/install-deps.sh --dev)' : (error as Error).message;
      throw new ServerUnavailable({ kind: 'no-netserver', message: `could not set up the network namespace of ${server.key}: ${reason}` });
    }
  };

  /** netserver on the peer over ssh, with a fresh passphrase per start. */
  const startSsh = async (server: PlannedServer): Promise<ServerAddress> => {
    const passphrase = randomBytes(16).toString('hex');
    const target = sshTargetOf(server, options.sshConfigFile);
    try {
      await checkPeerNetserver(target, server.ssh?.netserver, options.netperfVersion);
      const netserver = await startSshNetserver({
        target,
        controlPort: Number(server.controlPort),
        passphrase,
        ...defined({ netserver: server.ssh?.netserver }),
      });
      started.set(server.key, netserver);
      reached.set(server.key, { key: server.key, host: server.host, port: netserver.port, pid: netserver.pid });
      return { host: server.host, port: netserver.port, passphrase };
    } catch (error) {
      if (error instanceof SshNetserverError) throw new ServerUnavailable({ kind: error.failure.kind, message: `${server.key}: ${error.failure.message}` });
      throw error;
    }
  };

  /** Runs a server's setup the first time it is up (never again, not after a restart); rethrows its failure every time. */
  const setUp = async (server: PlannedServer, address: ServerAddress): Promise<void> => {
    const hookKey = `${server.suite}/${server.name}`;
    let entry = hooked.get(hookKey);
    if (entry === undefined) {
      if (server.setup.length === 0 && server.teardown.length === 0) return;
      const made = links.get(server.key)?.link;
      const hookServer: HookServer = {
        key: hookKey,
        name: server.name,
        host: address.host,
        controlPort: address.port,
        ...defined({ netns: made === undefined ? undefined : { namespace: made.namespace, hostInterface: made.hostInterface, peerInterface: made.peerInterface } }),
      };
      const setup = runSetup(server.setup, hookServer, { record: recordFor(server.key), ...defined({ signal: options.signal, baseDir: options.cwd }) }).catch((error: unknown) => {
        if (options.signal?.aborted === true) throw new ServerUnavailable({ kind: 'interrupted', message: `the run was interrupted during the setup of ${hookKey}` });
        throw new ServerUnavailable({ kind: 'setup-failed', message: (error as Error).message });
      });
      entry = { server, hookServer, setup };
      hooked.set(hookKey, entry);
    }
    await entry.setup;
  };

  /** Teardown of every server whose setup was attempted, last set up first; failures become warnings. */
  const tearDown = async (): Promise<void> => {
    const owed = [...hooked.values()].reverse();
    hooked.clear();
    for (const { server, hookServer, setup } of owed) {
      // a setup still running finishes first: teardown undoes what it did
      await setup.catch(() => undefined);
      if (server.teardown.length === 0) continue;
      try {
        warnings.push(...(await runTeardown(server.teardown, hookServer, { record: recordFor(server.key), ...defined({ baseDir: options.cwd }) })));
      } catch (error) {
        warnings.push(`teardown of ${hookServer.key} failed: ${(error as Error).message}`);
      }
    }
  };

  const stopOnce = async (): Promise<void> => {
    // a server still coming up (or setting up) is waited for, so its teardown and its netserver are not missed
    await Promise.allSettled(checked.values());
    try {
      await tearDown();
    } finally {
      const stops = [...started.values()].map((s) => s.stop());
      started.clear();
      await Promise.all(stops);
      const removing = [...links.values()].map(({ link }) => link.remove());
      links.clear();
      await Promise.all(removing);
    }
  };

  const acquire = (key: string): Promise<ServerAddress> => {
    let pending = checked.get(key);
    if (pending === undefined) {
      const server = byKey.get(key);
      if (server === undefined) throw new Error(`no planned server ${key}`);
      const upped =
        server.type === 'local'
          ? startLocal(server)
          : server.type === 'netns'
            ? startNetns(server)
            : server.type === 'ssh'
              ? startSsh(server)
              : checkReachable(server).then((address) => {
                reached.set(key, { key, ...address });
                return address;
              });
      pending = upped.then(async (address) => {
        await setUp(server, address);
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
      return [...reached.values()].map((server) => {
        const hooks = hookRecords.get(server.key);
        return hooks === undefined ? server : { ...server, hooks };
      });
    },
    stopAll() {
      // a second call (say, from a signal handler while the first runs) waits for the first, then stops what is new
      stopping = stopping.then(stopOnce, stopOnce);
      return stopping;
    },
    teardownWarnings() {
      return [...warnings];
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
      message: `cannot reach the netserver of ${server.key} at ${formatHostPort(server.host, port)} (${(error as Error).message}); start it there (netserver -p ${port}) or fix host/control_port`,
    });
  }
}
