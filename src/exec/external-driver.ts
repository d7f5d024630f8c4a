import { formatHostPort, ServerUnavailable } from '../model/seams.js';
import { externalPlanner } from '../servers/external-planner.js';
import { thisSideFacts } from './path-facts.js';
import { connectOnce } from './process.js';
import type { ServerDriver } from './server-driver.js';

const REACH_TIMEOUT_MS = 5_000;

/** `type: external`: a netserver someone else runs, which must accept a connection on its control port before its first case. */
export const externalDriver: ServerDriver<'external'> = {
  ...externalPlanner,
  async start(server) {
    const port = Number(server.controlPort);
    try {
      await connectOnce(server.host, port, REACH_TIMEOUT_MS);
      // its far end is someone else's machine: only this side of the path can be read
      return { address: { host: server.host, port }, readFacts: () => thisSideFacts(server.host) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOTFOUND' || (error as NodeJS.ErrnoException).code === 'EAI_AGAIN') {
        throw new ServerUnavailable({
          kind: 'dns',
          message: `the host ${server.host} of ${server.key} does not resolve; check its host: name or use an IP address`,
        });
      }
      throw new ServerUnavailable({
        kind: 'no-netserver',
        message: `cannot reach the netserver of ${server.key} at ${formatHostPort(server.host, port)} (${(error as Error).message}); start it there (netserver -p ${port}) or fix host/control_port`,
      });
    }
  },
  async check(server) {
    const what = `${server.key}: netserver at ${formatHostPort(server.host, server.controlPort)}`;
    try {
      await connectOnce(server.host, Number(server.controlPort), REACH_TIMEOUT_MS);
      return { ok: true, what, detail: 'accepts connections' };
    } catch (error) {
      return { ok: false, what, detail: `not reachable (${(error as Error).message}); start netserver there or fix host/control_port` };
    }
  },
  // nothing can be read there
  checkFarEnd: () => Promise.resolve([]),
};
