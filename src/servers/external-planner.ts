import { NETSERVER_PORT } from '../netperf/netserver-argv.js';
import { ipv4HostProblem, type PlannedServer, plannedBase, provenanceOf, type ServerPlanner, type ServerSpecOf } from './server-planner.js';

/** `type: external`: a netserver someone else runs; perfsuite only checks that it answers. */
export const externalPlanner: ServerPlanner<'external'> = {
  type: 'external',
  farEnd: 'elsewhere',
  hasPassphrase: false,
  hookVariables: [],
  hasNamespace: false,
  plan(suite, name, spec: ServerSpecOf<'external'>): PlannedServer<'external'> {
    return {
      ...plannedBase(suite, name, spec),
      key: `${suite}/${name}`,
      host: spec.host,
      controlPort: spec.control_port ?? NETSERVER_PORT,
      netserver: undefined,
    };
  },
  ipv6Problem: (name, spec: ServerSpecOf<'external'>) => ipv4HostProblem(name, spec.host),
  provenance: (server) => provenanceOf(server, server.host),
};
