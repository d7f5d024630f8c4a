import type { PlannedServer } from '../servers/server-planner.js';
import { appendTo } from '../model/collections.js';
import { type ServerAddress, type ServerPool, ServerUnavailable } from '../model/seams.js';
import type { StartedNetserver } from './local-netserver.js';
import { connectOnce } from './process.js';
import { type HookServer, runSetup, runTeardown } from './server-hooks.js';
import { defined } from '../model/defined.js';
import type { HookRecord, ServerDescription } from '../model/results.js';
import type { LinkCounters, ServerFacts } from '../model/server-facts.js';
import type { RunningServer, StartContext } from './server-driver.js';
import { driverOf } from './server-drivers.js';

const REACH_TIMEOUT_MS = 5_000;

export interface ManagedServerPool extends ServerPool {
  /** Every server in use, with the pid of those this run started and its setup and teardown commands as they ran. */
  describe(): ServerDescription[];
  /**
   * Runs the teardown of every server whose setup was attempted (also one that failed part-way), then stops every
   * netserver this run started, with their children, and undoes what the drivers made (namespaces). Safe to call more
   * than once.
   */
  stopAll(): Promise<void>;
  /** One line per teardown command that failed so far (they never fail the run): for the caller to print. */
  teardownWarnings(): readonly string[];
}

export interface ServerPoolOptions {
  /** The environment perfsuite runs in: each driver reads its own variables from it (ssh's PERFSUITE_SSH_CONFIG). */
  readonly env?: NodeJS.ProcessEnv;
  /** netperf's version here; a peer's netserver must match it. */
  readonly netperfVersion?: string;
  /** The run's Ctrl-C: kills a setup command that is running (teardown still runs in stopAll). */
  readonly signal?: AbortSignal;
  /** What the suite paths in hook locations are relative to (the CLI's cwd); process.cwd() unless given. */
  readonly cwd?: string;
  /** Told, as it happens, of what the pool did that the user did not ask for (namespaces a killed run left, removed). */
  readonly warn?: (message: string) => void;
  /** More variables for a server's setup and teardown commands (`perfsuite bisect`: the commit and worktree of its arm). */
  readonly hookVariables?: (server: PlannedServer) => Readonly<Record<string, string>>;
}

/** A server whose setup was attempted: its teardown is owed. */
interface HookedServer {
  readonly server: PlannedServer;
  readonly hookServer: HookServer;
  /** Settles when setup has finished; rejects with ServerUnavailable when it failed. */
  readonly setup: Promise<void>;
}

/**
 * Brings each server up on first use with its type's driver (src/exec/server-drivers.ts), then runs its setup
 * commands, once per server of a suite (a local server's IPv4 and IPv6 listeners share them); restarts a netserver it
 * started that died; `stopAll` undoes all of it, teardown first. It never asks which type a server is.
 */
export function createServerPool(servers: readonly PlannedServer[], options: ServerPoolOptions = {}): ManagedServerPool {
  const byKey = new Map(servers.map((s) => [s.key, s]));
  /** The netserver this run started for a server, by key: stopped at the end, started again when it died. */
  const started = new Map<string, StartedNetserver>();
  const checked = new Map<string, Promise<ServerAddress>>();
  /** What the drivers made once per run (StartContext.once), and how to undo it at the end. */
  const made = new Map<string, Promise<unknown>>();
  const undos: (() => Promise<void>)[] = [];
  /** What each server was last reached at (kept after stopping, for results.json). */
  const reached = new Map<string, { key: string; host: string; port: number; pid?: number }>();
  /** What shapes TCP on each side of each server's path, read once after its setup. */
  const facts = new Map<string, ServerFacts>();
  /** How the qdisc counters of a link perfsuite made for a server are read, by its key. */
  const counterReaders = new Map<string, () => Promise<LinkCounters>>();
  const steerers = new Map<string, { steer: NonNullable<RunningServer['steerReceive']>; placement?: string }>();
  /** Servers whose setup began, by `<suite>/<name>`, in the order it began. */
  const hooked = new Map<string, HookedServer>();
  /** Each server's setup and teardown commands as they ran, by the key of the server they ran for. */
  const hookRecords = new Map<string, HookRecord[]>();
  const recordFor =
    (key: string) =>
    (record: HookRecord): void => {
      appendTo(hookRecords, key, record);
    };
  const warnings: string[] = [];
  let stopping: Promise<void> = Promise.resolve();

  const context: StartContext = {
    ...defined({ netperfVersion: options.netperfVersion, env: options.env, warn: options.warn }),
    once<T>(key: string, make: () => Promise<T>): Promise<T> {
      let pending = made.get(key) as Promise<T> | undefined;
      if (pending === undefined) {
        pending = make();
        made.set(key, pending);
      }
      return pending;
    },
    atEnd: (undo) => void undos.push(undo),
  };

  /** Runs a server's setup the first time it is up (never again, not after a restart); rethrows its failure every time. */
  const setUp = async (server: PlannedServer, up: RunningServer): Promise<void> => {
    const hookKey = `${server.suite}/${server.name}`;
    let entry = hooked.get(hookKey);
    if (entry === undefined) {
      if (server.setup.length === 0 && server.teardown.length === 0) return;
      const hookServer: HookServer = {
        key: hookKey,
        name: server.name,
        host: up.address.host,
        controlPort: up.address.port,
        variables: { ...up.hookVariables, ...options.hookVariables?.(server) },
        ...defined({ namespaceExec: up.namespaceExec }),
      };
      const setup = runSetup(server.setup, hookServer, { record: recordFor(server.key), ...defined({ signal: options.signal, baseDir: options.cwd }) }).catch(
        (error: unknown) => {
          if (options.signal?.aborted === true)
            throw new ServerUnavailable({ kind: 'interrupted', message: `the run was interrupted during the setup of ${hookKey}` });
          throw new ServerUnavailable({ kind: 'setup-failed', message: (error as Error).message });
        },
      );
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
      const stops = [...started.values()].map((netserver) => netserver.stop());
      started.clear();
      await Promise.all(stops);
      await Promise.all(undos.splice(0).map((undo) => undo()));
    }
  };

  const acquire = (key: string): Promise<ServerAddress> => {
    let pending = checked.get(key);
    if (pending === undefined) {
      const server = byKey.get(key);
      if (server === undefined) throw new Error(`no planned server ${key}`);
      pending = driverOf(server.type)
        .start(server, context)
        .then(async (up) => {
          if (up.netserver !== undefined) started.set(key, up.netserver);
          reached.set(key, { key, host: up.address.host, port: up.address.port, ...defined({ pid: up.netserver?.pid }) });
          await setUp(server, up);
          if (up.readLinkCounters !== undefined) counterReaders.set(key, up.readLinkCounters);
          if (up.steerReceive !== undefined) steerers.set(key, { steer: up.steerReceive });
          // once per run, after the setup that may have changed them; a restarted netserver is on the same path
          if (up.readFacts !== undefined && !facts.has(key)) {
            facts.set(
              key,
              await up.readFacts().catch((error: unknown) => ({ problems: [`the facts of its path could not be read: ${(error as Error).message}`] })),
            );
          }
          return up.address;
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
      return [...reached.values()].map((server) => ({
        ...server,
        ...defined({ hooks: hookRecords.get(server.key), facts: facts.get(server.key) }),
      }));
    },
    async linkCounters(key) {
      return counterReaders.get(key)?.();
    },
    async steer(key, cpus) {
      const steerer = steerers.get(key);
      const placement = cpus === undefined ? 'none' : `${cpus.local},${cpus.remote}`;
      // written when the placement changes, not before every run; a link never steered needs no putting back
      if (steerer === undefined || steerer.placement === placement || (steerer.placement === undefined && cpus === undefined)) return;
      await steerer.steer(cpus);
      steerer.placement = placement;
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
