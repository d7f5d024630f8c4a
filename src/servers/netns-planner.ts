import { NETSERVER_PORT, netserverArgv } from '../netperf/netserver-argv.js';
import type { LinkSpec } from '../model/suite-types.js';
import {
  ADDRESS_PLACEHOLDER,
  PASSPHRASE_PLACEHOLDER,
  type PlannedServer,
  plannedBase,
  provenanceOf,
  type ServerPlanner,
  type ServerSpecOf,
} from './server-planner.js';

/** The namespace a run makes for a `type: netns` server (named after the run's pid), as the plan shows it. */
const NETNS_PLACEHOLDER = '{netns}';

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
  plan(suite, name, spec: ServerSpecOf<'netns'>): PlannedServer<'netns'> {
    return {
      ...plannedBase(suite, name, spec),
      key: `${suite}/${name}`,
      host: ADDRESS_PLACEHOLDER,
      controlPort: NETSERVER_PORT,
      netserver: netserverArgv({
        prefix: ['ip', 'netns', 'exec', NETNS_PLACEHOLDER],
        host: ADDRESS_PLACEHOLDER,
        port: NETSERVER_PORT,
        passphrase: PASSPHRASE_PLACEHOLDER,
      }),
    };
  },
  ipv6Problem: (name) => `server '${name}' is a network namespace, whose link has IPv4 addresses only`,
  // its host is the address of a link made at run time, different every run; its link is what sets it apart
  provenance: (server) => provenanceOf(server, undefined, describeLink(server.spec.link)),
};

/** The variables of NETNS_VARIABLES for a namespace and the two ends of its veth pair. */
export function netnsHookVariables(link: {
  readonly namespace: string;
  readonly hostInterface: string;
  readonly peerInterface: string;
}): Record<(typeof NETNS_VARIABLES)[number], string> {
  return { PERFSUITE_NETNS: link.namespace, PERFSUITE_HOST_IF: link.hostInterface, PERFSUITE_NETNS_IF: link.peerInterface };
}

/** A link as provenance keeps it: `rate 100mbit, delay 10ms`. */
function describeLink(link: LinkSpec | undefined): string | undefined {
  if (link === undefined) return undefined;
  return Object.entries(link)
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');
}
