import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { LinkCounters, ServerFacts, SideFacts } from '../model/server-facts.js';
import { quoteForRemoteShell } from '../model/shell-quote.js';
import { parseQdiscCounters, parseSideFacts, SIDE_FACTS_SCRIPT } from '../servers/side-facts.js';
import { describeEnd, runProcess, startProcess } from './process.js';
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

/** Reads the qdisc counters of a link perfsuite made, both ends summed, through a `tc` that stays up for the run. */
export interface LinkCounterReader {
  read(): Promise<LinkCounters>;
  stop(): Promise<void>;
}

/** Longer than a counter read ever takes (a netlink dump of a few qdiscs); past it the reader gives up for the run. */
const READ_TIMEOUT_MS = 5_000;

/**
 * One `tc -s -j -batch -` per end of the link (here; `-n <namespace>` inside), asked `qdisc show dev X` before and after
 * each run: a line of JSON each time, with no process started per run (two `tc` processes a run cost 20–40 ms on a busy
 * 2-CPU machine; a question to one that is up, well under a millisecond). A reader that fails or times out once is
 * stopped, and every later read fails: the runs then record no qdisc counters, never wrong ones.
 */
export function startLinkCounters(ends: readonly { readonly device: string; readonly prefix: readonly string[] }[]): LinkCounterReader {
  const readers = ends.map((end) => lineReader(['tc', ...end.prefix, '-s', '-j', '-batch', '-'], `qdisc show dev ${end.device}\n`));
  const stop = async (): Promise<void> => {
    await Promise.all(readers.map((reader) => reader.stop()));
  };
  return {
    async read() {
      try {
        const lines = await Promise.all(readers.map((reader) => reader.ask()));
        return lines
          .map(parseQdiscCounters)
          .reduce((sum, c) => ({ drops: sum.drops + c.drops, overlimits: sum.overlimits + c.overlimits }), { drops: 0, overlimits: 0 });
      } catch (error) {
        await stop();
        throw error;
      }
    },
    stop,
  };
}

/** A long process that answers each question written to its stdin with one line of stdout. */
function lineReader(argv: readonly string[], question: string): { ask(): Promise<string>; stop(): Promise<void> } {
  const process = startProcess(argv, { stdin: 'pipe' });
  let buffer = '';
  let broken: Error | undefined;
  const waiting: { resolve: (line: string) => void; reject: (error: Error) => void }[] = [];
  const fail = (error: Error): void => {
    broken ??= error;
    for (const w of waiting.splice(0)) w.reject(broken);
  };
  process.onStdout((text) => {
    buffer += text;
    for (let at = buffer.indexOf('\n'); at >= 0; at = buffer.indexOf('\n')) {
      const line = buffer.slice(0, at).trim();
      buffer = buffer.slice(at + 1);
      if (line !== '') waiting.shift()?.resolve(line);
    }
  });
  void process.exited.then(() => fail(new Error(`${argv.join(' ')} ended: ${process.output().trim().split('\n').slice(-1)[0] ?? ''}`)));
  return {
    ask: () =>
      new Promise<string>((resolve, reject) => {
        if (broken !== undefined) return reject(broken);
        // an answer that comes after its timeout would answer the next question: the reader is done with then
        const timer = setTimeout(() => fail(new Error(`${argv.join(' ')} did not answer within ${READ_TIMEOUT_MS / 1000} s`)), READ_TIMEOUT_MS);
        waiting.push({
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
        process.write(question);
      }),
    stop: async () => {
      fail(new Error(`${argv.join(' ')} was stopped`));
      await process.stop();
    },
  };
}
