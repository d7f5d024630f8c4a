import { netserverArgv } from '../netperf/netserver-argv.js';
import { type PlannedServer, plannedBase, PORT_PLACEHOLDER, provenanceOf, type ServerPlanner, type ServerSpecOf } from './server-planner.js';

/** `type: local`: netserver on this host's loopback, started by perfsuite on a free port (a second listener on ::1 for IPv6 cases). */
export const localPlanner: ServerPlanner<'local'> = {
  type: 'local',
  farEnd: 'this-host',
  hasPassphrase: false,
  hookVariables: [],
  hasNamespace: false,
  plan(suite, name, spec: ServerSpecOf<'local'>, ipv6): PlannedServer<'local'> {
    const host = ipv6 ? '::1' : '127.0.0.1';
    const controlPort = spec.control_port ?? PORT_PLACEHOLDER;
    const netserver = netserverArgv({ host, port: controlPort, ipv6 });
    return { ...plannedBase(suite, name, spec), key: `${suite}/${name}${ipv6 ? '/ipv6' : ''}`, host, controlPort, netserver };
  },
  ipv6Problem: () => undefined,
  provenance: (server) => provenanceOf(server, server.host),
};
