import { defined } from '../model/defined.js';
import { NETSERVER_PORT, netserverArgv } from '../netperf/netserver-argv.js';
import {
  NETNS_ADDRESS_PLACEHOLDER,
  NETNS_PLACEHOLDER,
  PASSPHRASE_PLACEHOLDER,
  type PlannedServer,
  plannedBase,
  provenanceOf,
  type ServerPlanner,
  type ServerSpecOf,
} from './server-planner.js';

/** What a namespace server's hooks get besides every server's variables. */
const NETNS_VARIABLES = ['PERFSUITE_NETNS', 'PERFSUITE_HOST_IF', 'PERFSUITE_NETNS_IF'] as const;

/**
 * `type: netns` (Linux, root): a network namespace joined to this host by a veth pair, shaped as its `link:` asks,
 * with a netserver inside on a fresh passphrase; made and removed by perfsuite.
 */
export const netnsPlanner: ServerPlanner<'netns'> = {
  type: 'netns',
  farEnd: 'this-host',
  hasPassphrase: true,
  hookVariables: NETNS_VARIABLES,
  hasNamespace: true,
  plan(suite, name, spec: ServerSpecOf<'netns'>): PlannedServer {
    return {
      ...plannedBase(suite, name, spec),
      key: `${suite}/${name}`,
      host: NETNS_ADDRESS_PLACEHOLDER,
      controlPort: NETSERVER_PORT,
      netserver: netserverArgv({
        prefix: ['ip', 'netns', 'exec', NETNS_PLACEHOLDER],
        host: NETNS_ADDRESS_PLACEHOLDER,
        port: NETSERVER_PORT,
        passphrase: PASSPHRASE_PLACEHOLDER,
      }),
      ...defined({ link: spec.link }),
    };
  },
  ipv6Problem: (name) => `server '${name}' is a network namespace, whose link has IPv4 addresses only`,
  // its host is the address of a link made at run time, different every run
  provenance: (server) => provenanceOf(server, undefined),
};

/** The variables of NETNS_VARIABLES for a namespace and the two ends of its veth pair. */
export function netnsHookVariables(link: {
  readonly namespace: string;
  readonly hostInterface: string;
  readonly peerInterface: string;
}): Record<(typeof NETNS_VARIABLES)[number], string> {
  return { PERFSUITE_NETNS: link.namespace, PERFSUITE_HOST_IF: link.hostInterface, PERFSUITE_NETNS_IF: link.peerInterface };
}
