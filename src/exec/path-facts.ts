import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { LinkCounters, ServerFacts, SideFacts } from '../model/server-facts.js';
import { quoteForRemoteShell } from '../model/shell-quote.js';
import { countersOf, parseQdiscs, parseSideFacts, SIDE_FACTS_SCRIPT } from '../servers/side-facts.js';
import { describeEnd, runProcess } from './process.js';
import { sshArgv, type SshTarget } from './ssh-netserver.js';

/*
 * Reading the facts of a server's path (src/model/server-facts.ts): once per server per run, after its setup, on each
 * side where perfsuite can look — this host, a namespace it made, an ssh peer — and the qdisc counters of a link it
 * made before and after each run.
 */

const FACTS_TIMEOUT_MS = 10_000;
/** What one side is called in a problem. */
type Side = 'this host' | 'the namespace' | 'the peer';

/** Where a side's path leaves it: a known interface, or the one the route to an address takes. */
export interface PathEnd {
  readonly interface?: string;
  readonly route?: string;
}

/** The script's output on one side, or why it could not be read. */
export type SideReading = { readonly facts: SideFacts; readonly source?: string } | { readonly problem: string };

/** Runs the side facts script with `prefix` in front (nothing here, `ip netns exec NS` inside a namespace). */
export async function readSide(prefix: readonly string[], end: PathEnd, side: Side): Promise<SideReading> {
  return outcome(
    await runProcess([...prefix, 'sh', '-c', SIDE_FACTS_SCRIPT, 'sh', end.interface ?? '', end.route ?? ''], { timeoutMs: FACTS_TIMEOUT_MS }),
    side,
  );
}

/** Runs the side facts script on an ssh peer, in one session; the two words it takes are quoted for the peer's shell. */
export async function readSshSide(target: SshTarget, end: PathEnd): Promise<SideReading> {
  const command = ['sh', '-c', SIDE_FACTS_SCRIPT, 'sh', end.interface ?? '', end.route ?? ''].map(quoteForRemoteShell).join(' ');
  return outcome(await runProcess(['ssh', ...sshArgv(target, command)], { timeoutMs: FACTS_TIMEOUT_MS * 3 }), 'the peer');
}

function outcome(result: Awaited<ReturnType<typeof runProcess>>, side: Side): SideReading {
  if (result.timedOut || result.errorCode !== undefined || result.exitCode !== 0) {
    const detail = result.stderr.trim().split('\n').slice(0, 2).join(' / ');
    return { problem: `the facts of ${side} could not be read: it ${describeEnd(result, FACTS_TIMEOUT_MS)}${detail === '' ? '' : ` (${detail})`}` };
  }
  return parseSideFacts(result.stdout);
}

/** The address `ip route get` takes for a server's host: the host itself when it is an IP address, else what it resolves to. */
export async function routeAddress(host: string): Promise<string | undefined> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (isIP(bare) !== 0) return bare;
  try {
    return (await lookup(bare)).address;
  } catch {
    return undefined;
  }
}

/** The facts of a server whose far end perfsuite cannot see (one already running elsewhere) or is this host too (local): this side's. */
export async function thisSideFacts(host: string): Promise<ServerFacts> {
  const route = await routeAddress(host);
  return serverFacts(
    await readSide([], route === undefined ? {} : { route }, 'this host'),
    undefined,
    route === undefined ? [`${host} does not resolve, so the interface towards it is not known`] : [],
  );
}

/** Both sides' readings as a server's facts: a side that could not be read is a problem, never a guess. */
export function serverFacts(local: SideReading | undefined, remote: SideReading | undefined, problems: readonly string[] = []): ServerFacts {
  const all = [...problems];
  const side = (reading: SideReading | undefined): SideFacts | undefined => {
    if (reading === undefined) return undefined;
    if ('problem' in reading) {
      all.push(reading.problem);
      return undefined;
    }
    return reading.facts;
  };
  const here = side(local);
  const there = side(remote);
  return { ...(here === undefined ? {} : { local: here }), ...(there === undefined ? {} : { remote: there }), ...(all.length === 0 ? {} : { problems: all }) };
}

/**
 * The drop and overlimit counters of a link perfsuite made, both ends summed (roots and ingress qdiscs only: a root
 * counts its children's drops too): `tc -s qdisc show` of the host end here and of the namespace end inside it, at once.
 */
export async function readLinkCounters(ends: readonly { readonly device: string; readonly prefix: readonly string[] }[]): Promise<LinkCounters> {
  const readings = await Promise.all(
    ends.map(async (end) => {
      const result = await runProcess(['tc', ...end.prefix, '-s', 'qdisc', 'show', 'dev', end.device], { timeoutMs: FACTS_TIMEOUT_MS });
      if (result.exitCode !== 0) throw new Error(`tc -s qdisc show dev ${end.device} ${describeEnd(result, FACTS_TIMEOUT_MS)}: ${result.stderr.trim()}`);
      return countersOf(parseQdiscs(result.stdout));
    }),
  );
  return readings.reduce((sum, r) => ({ drops: sum.drops + r.drops, overlimits: sum.overlimits + r.overlimits }), { drops: 0, overlimits: 0 });
}
