import { describe, expect, it } from 'vitest';
import { classifySshFailure, parsePeerFacts, remoteNetserverVersion, sshArgv, startSshNetserver } from '../../src/exec/ssh-netserver.js';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isRunning, tempDir } from '../helpers.js';

const peer = { host: 'perf-b.example.net', user: 'ci', sshPort: 2222, identityFile: '~/.ssh/perf_ci' };

describe('ssh argv and failures', () => {
  it('passes every suite value as its own argv entry, after the options, never prompting', () => {
    expect(sshArgv(peer, 'netserver -V')).toEqual([
      '-o',
      'BatchMode=yes',
      '-o',
      'ConnectTimeout=10',
      '-o',
      'ServerAliveInterval=5',
      '-o',
      'ServerAliveCountMax=3',
      '-p',
      '2222',
      '-i',
      '~/.ssh/perf_ci',
      '-l',
      'ci',
      '--',
      'perf-b.example.net',
      'netserver -V',
    ]);
    expect(sshArgv({ host: 'h', configFile: '/etc/perf/ssh_config' }, 'true', { tty: true }).slice(0, 1)).toEqual(['-tt']);
    expect(sshArgv({ host: 'h', configFile: '/etc/perf/ssh_config' }, 'true')).toContain('/etc/perf/ssh_config');
  });

  it("reads a peer's congestion control (available, allowed), whether the ssh user is root and its CPU count, leaving out what it could not read", () => {
    const output = 'available_congestion_control: reno cubic bbr\nallowed_congestion_control: reno bbr\nuid: 1000\ncpus: 8\n';
    expect(parsePeerFacts('peer', output)).toEqual({
      host: 'peer',
      availableCongestionControls: new Set(['reno', 'cubic', 'bbr']),
      allowedCongestionControls: new Set(['reno', 'bbr']),
      isPrivileged: false,
      cpuCount: 8,
    });
    expect(parsePeerFacts('peer', output.replace('uid: 1000', 'uid: 0'))).toMatchObject({ isPrivileged: true });
    expect(parsePeerFacts('peer', 'available_congestion_control: \nallowed_congestion_control: \nuid: \ncpus: \n')).toEqual({ host: 'peer' });
    expect(parsePeerFacts('peer', 'Welcome!\n')).toEqual({ host: 'peer' });
  });

  it('names the cause and the fix for each way ssh fails', () => {
    const classify = (output: string, code: number | null = 255) => classifySshFailure(peer, output, code);
    expect(classify('ci@perf-b.example.net: Permission denied (publickey).\r\n')).toEqual({
      kind: 'ssh-auth',
      message:
        "ssh to ci@perf-b.example.net:2222 was refused (ci@perf-b.example.net: Permission denied (publickey).); check user:, identity_file: or your ssh-agent, and that the key is in the peer's authorized_keys",
    });
    expect(
      classify('No ED25519 host key is known for [perf-b.example.net]:2222 and you have requested strict checking.\nHost key verification failed.\n').kind,
    ).toBe('ssh-auth');
    expect(classify('ssh: Could not resolve hostname perf-b.example.net: Name or service not known\n')).toMatchObject({ kind: 'dns' });
    expect(classify('ssh: connect to host perf-b.example.net port 2222: Connection timed out\n')).toMatchObject({ kind: 'ssh-unreachable' });
    expect(classify('PERFSUITE_PID=4242\r\nsh: 1: exec: netserver: not found\r\n', 127)).toEqual({
      kind: 'netserver-missing',
      message:
        'netserver is not installed on perf-b.example.net (sh: 1: exec: netserver: not found); install netperf there (Debian: non-free; apt-get install netperf) or set netserver: to its path',
    });
    expect(classify('something else\n', 1)).toEqual({ kind: 'ssh-failed', message: 'ssh to ci@perf-b.example.net:2222 failed (something else)' });
    // an IPv6 peer with an ssh port is written as ssh and URLs write it, in brackets (once, even when given with them)
    for (const host of ['::1', '[::1]']) {
      expect(classifySshFailure({ ...peer, host }, 'something else\n', 1).message).toBe('ssh to ci@[::1]:2222 failed (something else)');
    }
  });

  it('says the ssh client is not installed when it is not, both for the version check and for netserver', async () => {
    const saved = process.env['PATH'];
    // nothing runs: the program is looked up on PATH before anything is spawned
    process.env['PATH'] = tempDir('no-ssh');
    try {
      await expect(remoteNetserverVersion({ host: '127.0.0.1' })).rejects.toMatchObject({
        failure: { kind: 'ssh-failed', message: 'the ssh client is not installed (Debian: openssh-client)' },
      });
      await expect(startSshNetserver({ target: { host: '127.0.0.1' }, controlPort: 1, passphrase: 'ab' })).rejects.toMatchObject({
        failure: { kind: 'ssh-failed', message: 'the ssh client is not installed (Debian: openssh-client)' },
      });
    } finally {
      process.env['PATH'] = saved;
    }
  });

  it('gives up on a session that connects and then says nothing, naming what it printed, and leaves no ssh behind', async () => {
    const bin = tempDir('silent-ssh');
    const pidFile = path.join(bin, 'pid');
    // an ssh that "connects", prints a banner line and then hangs, as a login script waiting for input would
    writeFileSync(path.join(bin, 'ssh'), `#!/bin/sh\necho $$ > ${pidFile}\necho 'Welcome to perf-b'\nexec sleep 600\n`, { mode: 0o755 });
    const saved = process.env['PATH'];
    process.env['PATH'] = `${bin}:${saved ?? ''}`;
    try {
      await expect(startSshNetserver({ target: { host: '127.0.0.1' }, controlPort: 1, passphrase: 'ab', readyTimeoutMs: 500 })).rejects.toMatchObject({
        failure: {
          kind: 'ssh-failed',
          message:
            'ssh to 127.0.0.1 did not start netserver within 0.5 s (it printed: Welcome to perf-b); check that a non-interactive login there runs commands at once',
        },
      });
    } finally {
      process.env['PATH'] = saved;
    }
    expect(isRunning(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });
});
