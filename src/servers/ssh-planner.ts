import { defined } from '../model/defined.js';
import { NETSERVER_PORT, netserverArgv } from '../netperf/netserver-argv.js';
import {
  ipv4HostProblem,
  PASSPHRASE_PLACEHOLDER,
  type PlannedServer,
  plannedBase,
  provenanceOf,
  type ServerPlanner,
  type ServerSpecOf,
} from './server-planner.js';

/** `type: ssh`: netserver started on a peer over ssh with a fresh passphrase, stopped by its pid. */
export const sshPlanner: ServerPlanner<'ssh'> = {
  type: 'ssh',
  farEnd: 'peer',
  hasPassphrase: true,
  hookVariables: [],
  hasNamespace: false,
  plan(suite, name, spec: ServerSpecOf<'ssh'>): PlannedServer<'ssh'> {
    const controlPort = spec.control_port ?? NETSERVER_PORT;
    const netserver = netserverArgv({ ...defined({ program: spec.netserver }), port: controlPort, passphrase: PASSPHRASE_PLACEHOLDER });
    return { ...plannedBase(suite, name, spec), key: `${suite}/${name}`, host: spec.host, controlPort, netserver };
  },
  ipv6Problem: (name, spec: ServerSpecOf<'ssh'>) => ipv4HostProblem(name, spec.host),
  provenance: (server) => provenanceOf(server, server.host),
};
