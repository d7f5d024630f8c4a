import { defined } from '../model/defined.js';
import { ServerUnavailable } from '../model/seams.js';
import { localPlanner } from '../servers/local-planner.js';
import { startLocalNetserver } from './local-netserver.js';
import { thisSideFacts } from './path-facts.js';
import type { ServerDriver } from './server-driver.js';

/** `type: local`: netserver on this host's loopback, on the suite's control_port or a free one. */
export const localDriver: ServerDriver<'local'> = {
  ...localPlanner,
  async start(server) {
    // both ends are this host: one side to read, its loopback. With no setup commands to change them first, its facts
    // are read while netserver starts, not after (docs/architecture.md, "Before the first netperf")
    const early = server.setup.length === 0 ? thisSideFacts(server.host) : undefined;
    // the pool reads them only once a run (a restarted netserver's are not asked for): an error here is never unhandled
    early?.catch(() => undefined);
    try {
      const netserver = await startLocalNetserver({
        host: server.host,
        ...defined({ port: typeof server.controlPort === 'number' ? server.controlPort : undefined }),
        ipv6: server.host.includes(':'),
      });
      return { address: { host: netserver.host, port: netserver.port }, netserver, readFacts: () => early ?? thisSideFacts(netserver.host) };
    } catch (error) {
      await early?.catch(() => undefined);
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'netserver is not installed (run scripts/install-deps.sh)' : (error as Error).message;
      throw new ServerUnavailable({ kind: 'no-netserver', message: `could not start the local netserver for ${server.key}: ${reason}` });
    }
  },
  check: (server, context) =>
    Promise.resolve({
      ok: context.netserverVersion !== undefined,
      what: `${server.key}: local netserver`,
      detail: context.netserverVersion === undefined ? 'needs netserver here' : `on ${server.host}`,
    }),
  // its far end is this machine, which doctor checks apart
  checkFarEnd: () => Promise.resolve([]),
};
