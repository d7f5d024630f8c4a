import { randomBytes } from 'node:crypto';
import { defined } from '../model/defined.js';
import { formatDiagnostic } from '../model/diagnostics.js';
import type { PeerFacts } from '../model/host-facts.js';
import { ServerUnavailable } from '../model/seams.js';
import { plural } from '../model/words.js';
import { checkPeerHost } from '../plan/check-host.js';
import { sshPlanner } from '../servers/ssh-planner.js';
import type { Check, ServerDriver } from './server-driver.js';
import { checkPeerNetserver, readPeerFacts, sshConfigFile, SshNetserverError, type SshTarget, sshTargetOf, startSshNetserver } from './ssh-netserver.js';
import { readSide, readSshSide, routeAddress, serverFacts } from './path-facts.js';
import type { ServerFacts } from '../model/server-facts.js';

/** `type: ssh`: netserver started on a peer over ssh, with a fresh passphrase per start, stopped by its pid. */
export const sshDriver: ServerDriver<'ssh'> = {
  ...sshPlanner,
  async start(server, context) {
    const passphrase = randomBytes(16).toString('hex');
    const target = sshTargetOf(server, sshConfigFile(context.env));
    try {
      await checkPeerNetserver(target, server.spec.netserver, context.netperfVersion);
      const netserver = await startSshNetserver({
        target,
        controlPort: Number(server.controlPort),
        passphrase,
        ...defined({ netserver: server.spec.netserver }),
      });
      return { address: { host: server.host, port: netserver.port, passphrase }, netserver, readFacts: () => sshPathFacts(server.host, target) };
    } catch (error) {
      if (error instanceof SshNetserverError) throw new ServerUnavailable({ kind: error.failure.kind, message: `${server.key}: ${error.failure.message}` });
      throw error;
    }
  },
  async check(server, context) {
    const what = `${server.key}: ssh ${server.host}`;
    try {
      const version = await checkPeerNetserver(sshTargetOf(server, sshConfigFile(context.env)), server.spec.netserver, context.netperfVersion);
      return { ok: true, what, detail: `reachable, netserver ${version} there` };
    } catch (error) {
      return { ok: false, what, detail: (error as Error).message };
    }
  },
  /** The `congestion_control` the peer's kernel offers (and allows the ssh user, unless root) and the CPUs `cpu_affinity` remote pins netserver to, read there. */
  async checkFarEnd(server, cases, suites, context): Promise<Check[]> {
    const own = cases.filter((c) => c.suite === server.suite && c.server === server.name);
    const algorithms = [...new Set(own.map((c) => c.params.congestion_control).filter((name) => name !== undefined))];
    const pinsRemote = own.some((c) => c.params.cpu_affinity?.remote !== undefined);
    if (algorithms.length === 0 && !pinsRemote) return [];
    const what = `${server.key}: on ${server.host}`;
    const read = context.readPeerFacts ?? ((s) => readPeerFacts(sshTargetOf(s, sshConfigFile(context.env))));
    let facts: PeerFacts;
    try {
      facts = await read(server);
    } catch (error) {
      return [{ ok: false, what, detail: `cannot read its congestion control and CPUs (${(error as Error).message})` }];
    }
    const problems = checkPeerHost(cases, suites, server, facts);
    if (problems.length > 0) return problems.map((problem) => ({ ok: false, what, detail: formatDiagnostic(problem) }));
    const found: string[] = [];
    if (algorithms.length > 0) found.push(describeCongestionControl(algorithms, facts));
    if (pinsRemote)
      found.push(
        facts.cpuCount === undefined
          ? 'nproc did not answer there, so cpu_affinity remote is not checked'
          : `${plural(facts.cpuCount, 'CPU')} for cpu_affinity remote`,
      );
    return [{ ok: true, what, detail: found.join('; ') }];
  },
};

/**
 * Both sides of the path to an ssh peer: this host towards the peer, then the peer towards the address this host sends
 * from (what the route here says), in one ssh session.
 */
async function sshPathFacts(host: string, target: SshTarget): Promise<ServerFacts> {
  const route = await routeAddress(host);
  const here = await readSide([], route === undefined ? {} : { route }, 'this host');
  const source = 'source' in here ? here.source : undefined;
  const there = await readSshSide(target, source === undefined ? {} : { route: source });
  return serverFacts(
    here,
    there,
    source === undefined ? [`the route to ${host} names no source address, so the peer's interface towards this host is not known`] : [],
  );
}

/** Why the congestion control the cases ask of a peer passed: what it offers and, for an ssh user that is not root, allows. */
function describeCongestionControl(algorithms: readonly string[], facts: PeerFacts): string {
  const { availableCongestionControls: available, allowedCongestionControls: allowed } = facts;
  if (available === undefined)
    return 'tcp_available_congestion_control cannot be read there (not Linux?), so only the run checks that congestion_control applied';
  const offered = `congestion control ${algorithms.join(', ')} offered (it has ${[...available].join(', ')})`;
  if (allowed === undefined || facts.isPrivileged === true) return offered;
  if (facts.isPrivileged === false) return `${offered} and allowed to the ssh user, who is not root (allowed: ${[...allowed].join(', ')})`;
  return `${offered}; whether the ssh user is root cannot be read there (id -u), so tcp_allowed_congestion_control is not judged`;
}
