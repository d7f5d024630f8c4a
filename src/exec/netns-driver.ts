import { randomBytes } from 'node:crypto';
import { ServerUnavailable } from '../model/seams.js';
import { netnsHookVariables, netnsPlanner } from '../servers/netns-planner.js';
import { startLocalNetserver } from './local-netserver.js';
import { createNetnsLink, describeStaleRemoval, netnsUnavailable, removeStaleNamespaces } from './netns-link.js';
import { readSide, serverFacts, startLinkCounters } from './path-facts.js';
import type { ServerDriver } from './server-driver.js';

/**
 * `type: netns`: a namespace made once per run (shaped as its `link:` asks) and removed at the end, and a netserver
 * inside it with a fresh passphrase, started again in the same namespace when it dies.
 */
export const netnsDriver: ServerDriver<'netns'> = {
  ...netnsPlanner,
  async start(server, context) {
    try {
      const { link, counters, passphrase } = await context.once(server.key, async () => {
        const unavailable = await netnsUnavailable();
        if (unavailable !== undefined) throw new Error(unavailable);
        // said, never silent: they are someone's (a killed run's) leftovers, and a note tells them where they went
        await context.once('stale namespaces', async () => {
          for (const removal of await removeStaleNamespaces()) context.warn?.(describeStaleRemoval(removal));
        });
        const made = await createNetnsLink();
        // the link's qdisc counters, asked before and after each run of a tc that stays up; stopped before the link goes
        // (one of its two tc processes is inside the namespace)
        const counters = startLinkCounters(made.ends);
        context.atEnd(async () => {
          await counters.stop();
          await made.remove();
        });
        const { rate, delay, jitter, loss } = server.spec.link ?? {};
        if (delay !== undefined || jitter !== undefined || loss !== undefined) await made.setNetem(server.spec.link ?? {});
        else if (rate !== undefined) await made.setRate(rate);
        return { link: made, counters, passphrase: randomBytes(16).toString('hex') };
      });
      const port = Number(server.controlPort);
      const netserver = await startLocalNetserver({ host: link.peerAddress, port, prefix: link.exec, passphrase });
      return {
        address: { host: link.peerAddress, port, passphrase },
        netserver,
        hookVariables: netnsHookVariables(link),
        namespaceExec: link.exec,
        // this host's end of the veth and the namespace's, each read where it is
        readFacts: async () => {
          const [here, there] = await Promise.all([
            readSide([], { interface: link.hostInterface }, 'this host'),
            readSide(link.exec, { interface: link.peerInterface }, 'the namespace'),
          ]);
          return serverFacts(here, there);
        },
        readLinkCounters: () => counters.read(),
        steerReceive: (cpus) => link.steerReceive(cpus),
      };
    } catch (error) {
      const reason =
        (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'netserver or ip is not installed (run scripts/install-deps.sh --dev)' : (error as Error).message;
      throw new ServerUnavailable({ kind: 'no-netserver', message: `could not set up the network namespace of ${server.key}: ${reason}` });
    }
  },
  async check(server) {
    const what = `${server.key}: network namespace`;
    const unavailable = await netnsUnavailable();
    if (unavailable !== undefined) return { ok: false, what, detail: unavailable };
    const { delay, jitter, loss, rate } = server.spec.link ?? {};
    if (delay === undefined && jitter === undefined && loss === undefined) {
      return { ok: true, what, detail: `can be made${rate === undefined ? '' : `, shaped to ${rate} with tc tbf`}` };
    }
    // try netem for real on a throw-away link, as the run would
    let link;
    try {
      link = await createNetnsLink();
    } catch (error) {
      return { ok: false, what, detail: `cannot make a namespace and veth link (${(error as Error).message})` };
    }
    try {
      await link.setNetem(server.spec.link ?? {});
      return { ok: true, what, detail: 'can be made, and netem shapes delay/jitter/loss' };
    } catch (error) {
      return { ok: false, what, detail: (error as Error).message };
    } finally {
      await link.remove();
    }
  },
  checkFarEnd(server, cases) {
    const asksCongestionControl = cases.some((c) => c.suite === server.suite && c.server === server.name && c.params.congestion_control !== undefined);
    return Promise.resolve(
      asksCongestionControl
        ? [
            {
              ok: true,
              what: `${server.key}: congestion control`,
              detail: "the namespace shares this machine's kernel and its modules, so the check of this machine covers it",
            },
          ]
        : [],
    );
  },
};
