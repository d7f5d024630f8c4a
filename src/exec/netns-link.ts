import { randomInt } from 'node:crypto';
import { isAlive, runChecked, runProcess } from './process.js';
import { defined } from '../model/defined.js';

/** A network namespace joined to this host by a veth pair, optionally shaped with tc tbf on the host side. */
export interface NetnsLink {
  readonly namespace: string;
  /** The host end of the veth pair. */
  readonly hostInterface: string;
  /** The namespace end of the veth pair (its name inside the namespace). */
  readonly peerInterface: string;
  readonly hostAddress: string;
  /** The address inside the namespace: the only place traffic to this link goes. */
  readonly peerAddress: string;
  /** `ip netns exec <namespace>`, to run a command inside. */
  readonly exec: readonly string[];
  /** Both ends of the veth pair, each with what reaches it for `tc` (nothing here; `-n <namespace>` inside). */
  readonly ends: readonly { readonly device: string; readonly prefix: readonly string[] }[];
  /** Shapes both directions of the link to `rate` (tc syntax: 100mbit) with tbf on each end, or removes the shaping (undefined). */
  setRate(rate: string | undefined): Promise<void>;
  /** Adds delay, jitter and loss with netem (and its own rate limit); fails with a clear message where netem is missing. */
  setNetem(options: NetemOptions): Promise<void>;
  /**
   * Steers each end's receive processing (RPS) to one CPU: this host's end (what netperf receives: ACKs, responses) to
   * `local`, the namespace's end (what netserver receives) to `remote`, so a pinned case's whole path runs on its CPUs;
   * undefined puts both back to the kernel's default (no steering).
   */
  steerReceive(cpus: { readonly local: number; readonly remote: number } | undefined): Promise<void>;
  /** Deletes the namespace, and with it both ends of the veth pair. */
  remove(): Promise<void>;
}

export interface NetemOptions {
  readonly rate?: string;
  readonly delay?: string;
  readonly jitter?: string;
  /** Percent of packets dropped. */
  readonly loss?: number;
}

/** Namespaces perfsuite makes are named with this prefix, so stale ones can be recognised. */
export const NETNS_PREFIX = 'perfsuite-';
const COMMAND_TIMEOUT_MS = 10_000;
let created = 0;

async function ip(args: readonly string[]): Promise<void> {
  await runChecked(['ip', ...args], { timeoutMs: COMMAND_TIMEOUT_MS });
}

async function tc(args: readonly string[]): Promise<void> {
  await runChecked(['tc', ...args], { timeoutMs: COMMAND_TIMEOUT_MS });
}

/**
 * A /30 of 10.213.0.0/16 with no address on this host: the pid's own block when it is free (so two runs at once do
 * not meet), else the first free one after a random place (so two runs that both found theirs taken rarely meet).
 */
async function freeBlock(preferred: number): Promise<number> {
  const { stdout } = await runChecked(['ip', '-o', '-4', 'addr', 'show'], { timeoutMs: COMMAND_TIMEOUT_MS });
  const used = new Set<number>();
  for (const match of stdout.matchAll(/inet 10\.213\.(\d+)\.(\d+)/g)) used.add(((Number(match[1]) << 8) | Number(match[2])) & ~3);
  const start = used.has((preferred % 16_384) * 4) ? randomInt(16_384) : preferred;
  for (let i = 0; i < 16_384; i++) {
    const block = ((start + i) % 16_384) * 4;
    if (!used.has(block)) return block;
  }
  throw new Error('every /30 of 10.213.0.0/16 is in use on this host; remove stale perfsuite-* namespaces (ip netns list)');
}

/**
 * The two ends of the veth pair of a perfsuite's `index`th namespace: `ps<pid mod 100000>h<index>` here and
 * `…p<index>` inside (an interface name has at most 15 characters, so the pid is cut, and a name alone cannot say whose
 * it is; its namespace `perfsuite-<pid>-<index>` can).
 */
function vethNames(pid: number, index: number): { hostInterface: string; peerInterface: string } {
  return { hostInterface: `ps${pid % 100_000}h${index}`, peerInterface: `ps${pid % 100_000}p${index}` };
}

/** The hexadecimal CPU mask of one CPU, as sysfs takes it (comma-separated 32-bit words above CPU 31). */
export function cpuMask(cpu: number): string {
  const top = Math.floor(cpu / 32);
  const words = Array.from({ length: top + 1 }, (_, i) => (i === 0 ? ((1 << (cpu % 32)) >>> 0).toString(16) : '00000000'));
  return words.join(',');
}

/** tbf needs a bucket of at least rate/HZ; 64 KiB holds it up to a few Gbit/s at HZ=1000 without bursting much. */
function tbfArgs(device: string, rate: string, verb: 'add' | 'change'): string[] {
  return ['qdisc', verb, 'dev', device, 'root', 'tbf', 'rate', rate, 'burst', '64kb', 'latency', '50ms'];
}

/**
 * Creates a namespace and a veth pair with a /30 of 10.213.0.0/16 that no address on this host uses (Linux, root).
 * The caller must `remove()` it; a failure part-way removes what was made.
 */
export async function createNetnsLink(options: { readonly rate?: string } = {}): Promise<NetnsLink> {
  const index = created++;
  const namespace = `${NETNS_PREFIX}${process.pid}-${index}`;
  const { hostInterface, peerInterface } = vethNames(process.pid, index);
  const block = await freeBlock((process.pid % 4000) * 4 + index);
  const prefix = `10.213.${block >> 8}.`;
  const hostAddress = `${prefix}${(block & 255) + 1}`;
  const peerAddress = `${prefix}${(block & 255) + 2}`;
  const exec = ['ip', 'netns', 'exec', namespace];
  let shaped = false;
  /** The two ends of the link, each with the command prefix that reaches it: `tc` here, `ip netns exec … tc` inside. */
  const ends = [
    { device: hostInterface, prefix: [] as string[] },
    { device: peerInterface, prefix: ['-n', namespace] },
  ];
  const link: NetnsLink = {
    namespace,
    hostInterface,
    peerInterface,
    hostAddress,
    peerAddress,
    exec,
    ends,
    setRate: async (rate) => {
      // both ends: the host end shapes what goes into the namespace (STREAM), the namespace end what comes back
      // (MAERTS, RR responses)
      if (rate === undefined) {
        if (shaped) for (const end of ends) await tc([...end.prefix, 'qdisc', 'del', 'dev', end.device, 'root']);
        shaped = false;
        return;
      }
      for (const end of ends) await tc([...end.prefix, ...tbfArgs(end.device, rate, shaped ? 'change' : 'add')]);
      shaped = true;
    },
    setNetem: async ({ rate, delay, jitter, loss }) => {
      const options: string[] = [];
      if (delay !== undefined) options.push('delay', delay, ...(jitter === undefined ? [] : [jitter]));
      if (loss !== undefined) options.push('loss', `${loss}%`);
      if (rate !== undefined) options.push('rate', rate);
      try {
        for (const end of ends) await tc([...end.prefix, 'qdisc', shaped ? 'replace' : 'add', 'dev', end.device, 'root', 'netem', ...options]);
      } catch (error) {
        const detail = ((error as { stderr?: string }).stderr ?? '').trim();
        throw new Error(
          `tc could not add netem for delay/jitter/loss (${detail || (error as Error).message}); this kernel lacks the sch_netem module (try modprobe sch_netem), or shape with rate: alone, which uses tbf`,
        );
      }
      shaped = true;
    },
    steerReceive: async (cpus) => {
      const write = (prefix: readonly string[], device: string, cpu: number | undefined) =>
        // the mask and path are arguments of a fixed script, never part of it
        runChecked([...prefix, 'sh', '-c', 'echo "$1" > "$2"', 'sh', cpu === undefined ? '0' : cpuMask(cpu), `/sys/class/net/${device}/queues/rx-0/rps_cpus`], {
          timeoutMs: COMMAND_TIMEOUT_MS,
        });
      await Promise.all([write([], hostInterface, cpus?.local), write(exec, peerInterface, cpus?.remote)]);
    },
    remove: async () => {
      await ip(['netns', 'delete', namespace]).catch(() => undefined);
      // the host end normally goes with the namespace; make sure when the peer never moved into it
      await ip(['link', 'delete', hostInterface]).catch(() => undefined);
    },
  };
  try {
    await ip(['netns', 'add', namespace]);
    await ip(['link', 'add', hostInterface, 'type', 'veth', 'peer', 'name', peerInterface]);
    await ip(['link', 'set', peerInterface, 'netns', namespace]);
    await ip(['addr', 'add', `${hostAddress}/30`, 'dev', hostInterface]);
    await ip(['link', 'set', hostInterface, 'up']);
    await ip([...exec.slice(1), 'ip', 'addr', 'add', `${peerAddress}/30`, 'dev', peerInterface]);
    await ip([...exec.slice(1), 'ip', 'link', 'set', peerInterface, 'up']);
    await ip([...exec.slice(1), 'ip', 'link', 'set', 'lo', 'up']);
    if (options.rate !== undefined) await link.setRate(options.rate);
  } catch (error) {
    await link.remove();
    throw error;
  }
  return link;
}

/** Why namespaces cannot be made here, or undefined when they can (root on Linux with `ip` and `tc`, tried for real). */
export async function netnsUnavailable(): Promise<string | undefined> {
  if (process.platform !== 'linux') return `network namespaces need Linux, not ${process.platform}`;
  if (process.getuid?.() !== 0) return 'network namespaces need root (run the tests as root)';
  for (const tool of ['ip', 'tc']) {
    try {
      await runChecked([tool, '-V'], { timeoutMs: COMMAND_TIMEOUT_MS });
    } catch {
      return `${tool} is not installed (Debian package iproute2)`;
    }
  }
  const probe = `${NETNS_PREFIX}probe-${process.pid}`;
  try {
    await ip(['netns', 'add', probe]);
  } catch (error) {
    return `cannot create a network namespace here (${((error as { stderr?: string }).stderr ?? String(error)).trim()})`;
  } finally {
    await ip(['netns', 'delete', probe]).catch(() => undefined);
  }
  return undefined;
}

/** What an earlier, killed perfsuite left and this one removed: one namespace, with its veth pair and processes. */
export interface StaleRemoval {
  readonly namespace: string;
  /** The pid of the perfsuite that made it, no longer running. */
  readonly pid: number;
  /** Both ends of its veth pair (host end first), when there was one: inside the namespace, or both still here. */
  readonly veth?: readonly [string, string];
  /** Processes that still ran inside (its netserver, where setpriv could not tie it to perfsuite), killed. */
  readonly killed: readonly number[];
  /** Why the namespace could not be deleted, when it could not. */
  readonly problem?: string;
}

/** A perfsuite namespace's name: the pid of the run that made it, and its index (none for a probe). */
function ownerOf(name: string): { pid: number; index?: number } | undefined {
  const match = new RegExp(`^${NETNS_PREFIX}(probe-)?(\\d+)(?:-(\\d+))?$`).exec(name);
  if (match === null) return undefined;
  return match[1] === undefined && match[3] !== undefined ? { pid: Number(match[2]), index: Number(match[3]) } : { pid: Number(match[2]) };
}

/** Whether an interface of this name is there: in the namespace, or on this host. */
async function hasLink(name: string, namespace?: string): Promise<boolean> {
  const result = await runProcess(['ip', ...(namespace === undefined ? [] : ['-n', namespace]), '-o', 'link', 'show', 'dev', name], {
    timeoutMs: COMMAND_TIMEOUT_MS,
  });
  return result.exitCode === 0;
}

/**
 * Deletes namespaces an earlier perfsuite made and did not remove (it was killed): they are named
 * `perfsuite-<pid>-<n>` and their pid no longer runs. Their veth pair goes with them; a pair the run made but had not
 * yet moved into its namespace is deleted here, unless a running perfsuite whose pid gives the same interface names
 * has a namespace of that index (then the pair may be its own). Returns what was removed, for a note.
 */
export async function removeStaleNamespaces(): Promise<StaleRemoval[]> {
  const { stdout } = await runChecked(['ip', 'netns', 'list'], { timeoutMs: COMMAND_TIMEOUT_MS });
  const owned = stdout
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .flatMap((name) => {
      const owner = ownerOf(name);
      return owner === undefined ? [] : [{ name, ...owner, alive: isAlive(owner.pid) }];
    });
  const removed: StaleRemoval[] = [];
  for (const { name, pid, index } of owned.filter((n) => !n.alive)) {
    // a killed run leaves its netserver running inside; stop it, or it outlives the namespace's name
    const listed = await runProcess(['ip', 'netns', 'pids', name], { timeoutMs: COMMAND_TIMEOUT_MS });
    const pids = listed.stdout
      .split(/\s+/)
      .filter((p) => /^\d+$/.test(p))
      .map(Number);
    const killed: number[] = [];
    for (const p of pids) {
      try {
        process.kill(p, 'SIGKILL');
        killed.push(p);
      } catch {
        // already gone
      }
    }
    let veth: [string, string] | undefined;
    let hostPair = false;
    if (index !== undefined) {
      const { hostInterface, peerInterface } = vethNames(pid, index);
      const theirs = owned.some((n) => n.alive && n.index === index && n.pid !== pid && n.pid % 100_000 === pid % 100_000);
      if (await hasLink(peerInterface, name)) veth = [hostInterface, peerInterface];
      else if (!theirs && (await hasLink(hostInterface)) && (await hasLink(peerInterface))) [veth, hostPair] = [[hostInterface, peerInterface], true];
    }
    const problem = await ip(['netns', 'delete', name]).then(
      () => undefined,
      (error: unknown) => (error as Error).message,
    );
    // the pair goes with the namespace when its peer is inside; one never moved there is deleted by its host end
    if (hostPair && veth !== undefined) await ip(['link', 'delete', veth[0]]).catch(() => undefined);
    removed.push({ namespace: name, pid, ...defined({ veth }), killed, ...defined({ problem }) });
  }
  return removed;
}

/** The note for one removal: `removed namespace perfsuite-123-0 and veth ps123h0/ps123p0 left by an earlier run (pid 123, no longer running)`. */
export function describeStaleRemoval(removal: StaleRemoval): string {
  const what = `namespace ${removal.namespace}${removal.veth === undefined ? '' : ` and veth ${removal.veth.join('/')}`}`;
  const origin = `left by an earlier run (pid ${removal.pid}, no longer running)`;
  const killed =
    removal.killed.length === 0
      ? ''
      : `; killed ${removal.killed.length === 1 ? 'the process' : `the ${removal.killed.length} processes`} still running in it (pid ${removal.killed.join(', ')})`;
  return removal.problem === undefined
    ? `removed ${what} ${origin}${killed}`
    : `could not remove ${what} ${origin}: ${removal.problem}${killed}; remove it with ip netns delete ${removal.namespace}`;
}
