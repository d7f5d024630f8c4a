import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort as freeHostPort, waitForListener } from '../../src/exec/process.js';
import { tempDir } from '../helpers.js';

const SSHD = '/usr/sbin/sshd';

/** An OpenSSH server of the test's own on 127.0.0.1, with keys it generated, and an ssh_config that trusts it. */
export interface TestSshd {
  readonly port: number;
  /** The private key root may log in with. */
  readonly identityFile: string;
  /** A key the server does not accept. */
  readonly wrongIdentityFile: string;
  /** For PERFSUITE_SSH_CONFIG: knows the server's host key, accepts no other. */
  readonly clientConfig: string;
  stop(): Promise<void>;
}

/** Why the test cannot run its own sshd here, or undefined when it can. */
export function sshdUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'starting sshd and logging in as root needs root';
  if (!existsSync(SSHD)) return `${SSHD} is missing (Debian package openssh-server; bash scripts/install-deps.sh --dev)`;
  return undefined;
}

/** A free port on 127.0.0.1. */
export const freePort = (): Promise<number> => freeHostPort('127.0.0.1');

const keygen = (file: string): void => {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'perfsuite-test', '-f', file]);
};

export async function startSshd(): Promise<TestSshd> {
  const dir = tempDir('sshd');
  const file = (name: string): string => path.join(dir, name);
  for (const key of ['host_key', 'client_key', 'wrong_key']) keygen(file(key));
  writeFileSync(file('authorized_keys'), readFileSync(file('client_key.pub')));
  // sshd's privilege-separation directory; a system without a running sshd may not have it
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const port = await freePort();
  writeFileSync(
    file('sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${file('host_key')}`,
      `PidFile ${file('sshd.pid')}`,
      `AuthorizedKeysFile ${file('authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'PrintMotd no',
      '',
    ].join('\n'),
  );
  const hostKey = readFileSync(file('host_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
  writeFileSync(file('known_hosts'), `[127.0.0.1]:${port} ${hostKey}\n`);
  writeFileSync(
    file('ssh_config'),
    ['Host *', `  UserKnownHostsFile ${file('known_hosts')}`, '  StrictHostKeyChecking yes', '  LogLevel ERROR', ''].join('\n'),
  );
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', file('sshd_config')], { stdio: 'ignore', detached: true });
  const exited = once(child, 'exit');
  await waitForListener('127.0.0.1', port, {
    deadline: Date.now() + 10_000,
    attemptMs: 2_000,
    timeoutMessage: `sshd did not listen on ${port} within 10 s`,
    gaveUp: () => (child.exitCode === null ? undefined : new Error(`sshd exited with ${child.exitCode} before listening on ${port}`)),
  });
  return {
    port,
    identityFile: file('client_key'),
    wrongIdentityFile: file('wrong_key'),
    clientConfig: file('ssh_config'),
    stop: async () => {
      if (child.exitCode === null && child.pid !== undefined) {
        process.kill(-child.pid, 'SIGTERM');
        await exited;
      }
    },
  };
}
