import { execa } from 'execa';

/** A network namespace joined to this host by a veth pair, optionally shaped with tc tbf on the host side. */
export interface NetnsLink {
  readonly namespace: string;
  readonly hostInterface: string;
  readonly hostAddress: string;
  /** The address inside the namespace: the only place traffic to this link goes. */
  readonly peerAddress: string;
  /** `ip netns exec <namespace>`, to run a command inside. */
  readonly exec: readonly string[];
  /** Shapes traffic from the host into the namespace to `rate` (tc syntax: 100mbit), or removes the shaping (undefined). */
  setRate(rate: string | undefined): Promise<void>;
  /** Adds delay, jitter and loss with netem (and its own rate limit); fails with a clear message where netem is missing. */
  setNetem(options: NetemOptions): Promise<void>;
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
  await execa('ip', args, { timeout: COMMAND_TIMEOUT_MS });
}

/** tbf needs a bucket of at least rate/HZ; 64 KiB holds it up to a few Gbit/s at HZ=1000 without bursting much. */
function tbfArgs(device: string, rate: string, verb: 'add' | 'change'): string[] {
  return ['qdisc', verb, 'dev', device, 'root', 'tbf', 'rate', rate, 'burst', '64kb', 'latency', '50ms'];
}

/**
 * Creates a namespace and a veth pair with a /30 of 10.213.0.0/16 chosen from the pid and a counter (Linux, root).
 * The caller must `remove()` it; a failure part-way removes what was made.
 */
export async function createNetnsLink(options: { readonly rate?: string } = {}): Promise<NetnsLink> {
  const index = created++;
  const namespace = `${NETNS_PREFIX}${process.pid}-${index}`;
  const hostInterface = `ps${process.pid % 100_000}h${index}`;
  const peerInterface = `ps${process.pid % 100_000}p${index}`;
  const block = (((process.pid % 4000) * 4 + index) % 16_384) * 4;
  const prefix = `10.213.${block >> 8}.`;
  const hostAddress = `${prefix}${(block & 255) + 1}`;
  const peerAddress = `${prefix}${(block & 255) + 2}`;
  const exec = ['ip', 'netns', 'exec', namespace];
  let shaped = false;
  const link: NetnsLink = {
    namespace,
    hostInterface,
    hostAddress,
    peerAddress,
    exec,
    setRate: async (rate) => {
      if (rate === undefined) {
        if (shaped) await execa('tc', ['qdisc', 'del', 'dev', hostInterface, 'root'], { timeout: COMMAND_TIMEOUT_MS });
        shaped = false;
        return;
      }
      await execa('tc', tbfArgs(hostInterface, rate, shaped ? 'change' : 'add'), { timeout: COMMAND_TIMEOUT_MS });
      shaped = true;
    },
    setNetem: async ({ rate, delay, jitter, loss }) => {
      const args = ['qdisc', shaped ? 'replace' : 'add', 'dev', hostInterface, 'root', 'netem'];
      if (delay !== undefined) args.push('delay', delay, ...(jitter === undefined ? [] : [jitter]));
      if (loss !== undefined) args.push('loss', `${loss}%`);
      if (rate !== undefined) args.push('rate', rate);
      try {
        await execa('tc', args, { timeout: COMMAND_TIMEOUT_MS });
      } catch (error) {
        const detail = ((error as { stderr?: string }).stderr ?? '').trim();
        throw new Error(
          `tc could not add netem for delay/jitter/loss (${detail || (error as Error).message}); this kernel lacks the sch_netem module (try modprobe sch_netem), or shape with rate: alone, which uses tbf`,
        );
      }
      shaped = true;
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
      await execa(tool, ['-V'], { timeout: COMMAND_TIMEOUT_MS });
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

/** Whether a pid belongs to a running process. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Deletes namespaces an earlier perfsuite made and did not remove (it was killed): they are named
 * `perfsuite-<pid>-<n>` and their pid no longer runs. Returns the names removed.
 */
export async function removeStaleNamespaces(): Promise<string[]> {
  const { stdout } = await execa('ip', ['netns', 'list'], { timeout: COMMAND_TIMEOUT_MS });
  const stale = stdout
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => {
      const match = new RegExp(`^${NETNS_PREFIX}(?:probe-)?(\\d+)(?:-\\d+)?$`).exec(name);
      return match !== null && !isAlive(Number(match[1]));
    });
  for (const name of stale) {
    // a killed run leaves its netserver running inside; stop it, or it outlives the namespace's name
    const pids = await execa('ip', ['netns', 'pids', name], { timeout: COMMAND_TIMEOUT_MS }).then(
      (result) => result.stdout.split(/\s+/).filter((pid) => /^\d+$/.test(pid)).map(Number),
      () => [] as number[],
    );
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await ip(['netns', 'delete', name]).catch(() => undefined);
  }
  return stale;
}
