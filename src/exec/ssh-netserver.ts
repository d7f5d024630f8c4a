import { defined } from '../model/defined.js';
import type { FailureKind } from '../model/netperf-outcome.js';
import type { PeerFacts } from '../model/host-facts.js';
import { formatHostPort } from '../model/seams.js';
import { quoteForRemoteShell } from '../model/shell-quote.js';
import type { PlannedServer } from '../servers/server-planner.js';
import { netserverArgv } from '../netperf/netserver-argv.js';
import { parseNetperfVersion } from '../netperf/version.js';
import type { StartedNetserver } from './local-netserver.js';
import { runProcess, startProcess, waitForListener } from './process.js';

/** How to reach a peer over ssh; every field is a validated suite value and reaches ssh as its own argv entry. */
export interface SshTarget {
  readonly host: string;
  readonly user?: string;
  readonly sshPort?: number;
  readonly identityFile?: string;
  /** An ssh_config file for `ssh -F` (PERFSUITE_SSH_CONFIG); otherwise ssh reads the user's own config. */
  readonly configFile?: string;
}

const CONNECT_TIMEOUT_SECONDS = 10;
const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 15_000;

/** The ssh argv for one remote command: BatchMode (never a prompt), a connect timeout, keep-alives. */
export function sshArgv(target: SshTarget, remoteCommand: string, options: { readonly tty?: boolean } = {}): string[] {
  return [
    ...(options.tty === true ? ['-tt'] : []),
    '-o',
    'BatchMode=yes',
    '-o',
    `ConnectTimeout=${CONNECT_TIMEOUT_SECONDS}`,
    '-o',
    'ServerAliveInterval=5',
    '-o',
    'ServerAliveCountMax=3',
    ...(target.configFile === undefined ? [] : ['-F', target.configFile]),
    ...(target.sshPort === undefined ? [] : ['-p', String(target.sshPort)]),
    ...(target.identityFile === undefined ? [] : ['-i', target.identityFile]),
    ...(target.user === undefined ? [] : ['-l', target.user]),
    '--',
    target.host,
    remoteCommand,
  ];
}

/** Why an ssh session failed, as a failure kind and a message that says what to do. */
export function classifySshFailure(target: SshTarget, output: string, exitCode: number | null): { kind: FailureKind; message: string } {
  const where = `${target.user === undefined ? '' : `${target.user}@`}${target.sshPort === undefined ? target.host : formatHostPort(target.host, target.sshPort)}`;
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('PERFSUITE_PID=') && !l.startsWith('Warning: Permanently added'));
  const fallback = lines[0] ?? `ssh exited with ${exitCode ?? 'a signal'}`;
  if (/ssh is not installed/.test(output)) return { kind: 'ssh-failed', message: 'the ssh client is not installed (Debian: openssh-client)' };
  /** The line of output that shows the cause, for the message. */
  const evidence = (pattern: RegExp): string => lines.find((l) => pattern.test(l)) ?? fallback;
  const denied = /Permission denied|Too many authentication failures/;
  if (denied.test(output)) {
    return {
      kind: 'ssh-auth',
      message: `ssh to ${where} was refused (${evidence(denied)}); check user:, identity_file: or your ssh-agent, and that the key is in the peer's authorized_keys`,
    };
  }
  const hostKey = /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No .* host key is known/;
  if (hostKey.test(output)) {
    return {
      kind: 'ssh-auth',
      message: `ssh to ${where} does not trust the peer's host key (${evidence(hostKey)}); add it to known_hosts (ssh-keyscan) — perfsuite never accepts unknown keys`,
    };
  }
  const dns = /Could not resolve hostname/;
  if (dns.test(output)) return { kind: 'dns', message: `ssh cannot resolve ${target.host} (${evidence(dns)}); check host:` };
  const unreachable = /Connection refused|No route to host|timed out|Network is unreachable|Connection closed by|kex_exchange_identification/;
  if (unreachable.test(output)) {
    return {
      kind: 'ssh-unreachable',
      message: `cannot open an ssh connection to ${where} (${evidence(unreachable)}); check the host is up, sshd runs there, and ssh_port:`,
    };
  }
  const missing = /not found|No such file or directory/;
  if (exitCode === 127 || missing.test(output)) {
    return {
      kind: 'netserver-missing',
      message: `netserver is not installed on ${target.host} (${evidence(missing)}); install netperf there (Debian: non-free; apt-get install netperf) or set netserver: to its path`,
    };
  }
  return { kind: 'ssh-failed', message: `ssh to ${where} failed (${fallback})` };
}

/** The netserver version on the peer (`netserver -V` over ssh); throws a classified failure when ssh cannot get it. */
export async function remoteNetserverVersion(target: SshTarget, netserver = 'netserver'): Promise<string> {
  const result = await runProcess(['ssh', ...sshArgv(target, `${quoteForRemoteShell(netserver)} -V`)], { timeoutMs: 30_000 });
  // ssh's own complaints come on stderr, so it is read first
  const output = `${result.stderr}${result.stdout}`;
  if (result.exitCode !== 0) throw new SshNetserverError(classifySshFailure(target, output, result.exitCode ?? null));
  return parseNetperfVersion(output);
}

/**
 * The peer's netserver version, refused (`version-mismatch`) when it differs from netperf's here: mixed versions
 * make results that cannot be trusted.
 */
export async function checkPeerNetserver(target: SshTarget, netserver: string | undefined, localVersion: string | undefined): Promise<string> {
  const version = await remoteNetserverVersion(target, netserver);
  if (localVersion !== undefined && version !== localVersion) {
    throw new SshNetserverError({
      kind: 'version-mismatch',
      message: `netserver on ${target.host} is ${version} but netperf here is ${localVersion}; install the same netperf version on both ends`,
    });
  }
  return version;
}

/**
 * A fixed remote command (no suite value in it), one fact a line: the peer's available and allowed congestion control
 * algorithms, the ssh user's uid (netserver runs as that user) and its CPU count.
 */
const PEER_FACTS_COMMAND = [
  'echo "available_congestion_control: $(cat /proc/sys/net/ipv4/tcp_available_congestion_control 2>/dev/null)"',
  'echo "allowed_congestion_control: $(cat /proc/sys/net/ipv4/tcp_allowed_congestion_control 2>/dev/null)"',
  'echo "uid: $(id -u 2>/dev/null)"',
  'echo "cpus: $(nproc 2>/dev/null)"',
].join('; ');

/**
 * What the peer offers that a suite may ask of it (`tcp_available_congestion_control`, `tcp_allowed_congestion_control`,
 * whether the ssh user is root, `nproc`), over one ssh session; a field it could not read (not Linux, no nproc) is left
 * out. Throws a classified failure when ssh cannot get it.
 */
export async function readPeerFacts(target: SshTarget): Promise<PeerFacts> {
  const result = await runProcess(['ssh', ...sshArgv(target, PEER_FACTS_COMMAND)], { timeoutMs: 30_000 });
  if (result.exitCode !== 0) throw new SshNetserverError(classifySshFailure(target, `${result.stderr}${result.stdout}`, result.exitCode ?? null));
  return parsePeerFacts(target.host, result.stdout);
}

/** The output of the peer facts command as facts: an empty list, uid or count means it could not be read. */
export function parsePeerFacts(host: string, stdout: string): PeerFacts {
  const field = (name: string): string => new RegExp(`^${name}: *(.*)$`, 'm').exec(stdout)?.[1]?.trim() ?? '';
  const algorithms = (name: string): ReadonlySet<string> | undefined => {
    const names = field(name)
      .split(/\s+/)
      .filter((n) => n !== '');
    return names.length === 0 ? undefined : new Set(names);
  };
  const uid = field('uid');
  const cpus = Number(field('cpus'));
  return {
    host,
    ...defined({
      availableCongestionControls: algorithms('available_congestion_control'),
      allowedCongestionControls: algorithms('allowed_congestion_control'),
      isPrivileged: /^\d+$/.test(uid) ? uid === '0' : undefined,
      cpuCount: Number.isSafeInteger(cpus) && cpus > 0 ? cpus : undefined,
    }),
  };
}

/** How to reach a planned ssh server; `configFile` comes from PERFSUITE_SSH_CONFIG (see sshConfigFile). */
export function sshTargetOf(server: Pick<PlannedServer<'ssh'>, 'host' | 'spec'>, configFile: string | undefined): SshTarget {
  const { spec } = server;
  return { host: server.host, ...defined({ user: spec.user, sshPort: spec.ssh_port, identityFile: spec.identity_file, configFile }) };
}

/** PERFSUITE_SSH_CONFIG: an ssh_config file for `ssh -F`, or undefined (ssh reads the user's own). */
export function sshConfigFile(env: NodeJS.ProcessEnv | undefined): string | undefined {
  const file = env?.['PERFSUITE_SSH_CONFIG'];
  return file === undefined || file === '' ? undefined : file;
}

/** A failure to start a remote netserver, already classified. */
export class SshNetserverError extends Error {
  constructor(readonly failure: { kind: FailureKind; message: string }) {
    super(failure.message);
  }
}

/**
 * Starts `netserver -D -p <port> -Z <passphrase>` on the peer through ssh. The remote shell prints its pid and execs
 * netserver (so the pid is netserver's); the session has a tty, so a dropped connection hangs netserver up; `stop()`
 * kills that pid over a second ssh session, after checking it is still this netserver, and then ends the first.
 */
export async function startSshNetserver(options: {
  readonly target: SshTarget;
  readonly controlPort: number;
  readonly passphrase: string;
  readonly netserver?: string;
  /** How long the peer may take to start netserver and answer on its port (tests shorten it). */
  readonly readyTimeoutMs?: number;
}): Promise<StartedNetserver> {
  const { target, controlPort, passphrase } = options;
  const readyMs = options.readyTimeoutMs ?? READY_TIMEOUT_MS;
  // one deadline for both waits: the session's first word, then netserver's port
  const deadline = Date.now() + readyMs;
  // every word single-quoted: the path comes from the suite, so nothing in it may reach the remote shell as syntax
  const command = netserverArgv({ ...defined({ program: options.netserver }), port: controlPort, passphrase })
    .map(quoteForRemoteShell)
    .join(' ');
  let session;
  try {
    // `$$` is the remote shell's pid, which exec hands on to netserver
    session = startProcess(['ssh', ...sshArgv(target, `echo PERFSUITE_PID=$$; exec ${command}`, { tty: true })], { stdin: 'pipe' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new SshNetserverError({ kind: 'ssh-failed', message: 'the ssh client is not installed (Debian: openssh-client)' });
    throw error;
  }
  const ssh = session;
  const gotPid = new Promise<number>((resolve) => {
    const look = (): void => {
      const match = /PERFSUITE_PID=(\d+)/.exec(ssh.output());
      if (match !== null) resolve(Number(match[1]));
    };
    ssh.onOutput(look);
    look();
  });
  let ended: Error | undefined;
  const failed = ssh.exited.then(({ exitCode }) => {
    ended = new SshNetserverError(classifySshFailure(target, ssh.output(), exitCode ?? null));
    throw ended;
  });
  failed.catch(() => undefined);
  // a session that connects and then says nothing (a login script waiting, a hung remote shell) must not hang the run
  let timer: NodeJS.Timeout | undefined;
  const silent = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const said = ssh.output().trim().slice(-300);
      const message = `ssh to ${target.host} did not start netserver within ${readyMs / 1000} s${said === '' ? ' and printed nothing' : ` (it printed: ${said})`}; check that a non-interactive login there runs commands at once`;
      reject(new SshNetserverError({ kind: 'ssh-failed', message }));
    }, readyMs);
    timer.unref();
  });
  try {
    const remotePid = await Promise.race([gotPid, failed, silent]).finally(() => clearTimeout(timer));
    await waitForListener(target.host, controlPort, {
      deadline,
      attemptMs: 2_000,
      timeoutMessage: `nothing answered within ${readyMs / 1000} s`,
      gaveUp: () => ended,
    });
    return {
      host: target.host,
      port: controlPort,
      pid: remotePid,
      hasExited: () => ssh.hasExited(),
      stop: async () => {
        // always asked, even when the session already ended; the pid is a number we parsed, and it is killed only if
        // it is still this netserver (its command line holds the fresh passphrase), checked by /proc or ps where the
        // peer has them; the passphrase is a hex word, so it needs no quoting
        const check = `tr '\\000' ' ' < /proc/${remotePid}/cmdline | grep -qF -- ${passphrase}`;
        const psCheck = `ps -p ${remotePid} -o args= 2>/dev/null | grep -qF -- ${passphrase}`;
        const remote = `if [ -r /proc/${remotePid}/cmdline ]; then ${check} && kill ${remotePid}; elif command -v ps >/dev/null 2>&1; then ${psCheck} && kill ${remotePid}; else kill ${remotePid}; fi 2>/dev/null; true`;
        await runProcess(['ssh', ...sshArgv(target, remote)], { timeoutMs: STOP_TIMEOUT_MS });
        await ssh.stop();
      },
    };
  } catch (error) {
    await ssh.stop();
    if (error instanceof SshNetserverError) throw error;
    throw new SshNetserverError({
      kind: 'no-netserver',
      message: `netserver on ${target.host} did not listen on port ${controlPort} within ${readyMs / 1000} s (${(error as Error).message}); check that a firewall allows it`,
    });
  }
}
