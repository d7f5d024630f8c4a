// @module-tag slow
// @module-tag root
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshNetserver } from '../../src/exec/ssh-netserver.js';
import type { RunResult } from '../../src/model/results.js';
import { congestionControlFacts } from '../../src/exec/environment.js';
import { isRunning, perfsuiteInProcess, projectRoot, tempDir } from '../helpers.js';
import { freePort, sshdUnavailable, startSshd, type TestSshd } from './sshd.js';

const bin = path.join(projectRoot, 'bin/perfsuite.js');
const unavailable = sshdUnavailable();
let sshd: TestSshd;

/** `perfsuite run` of the ssh suite against the test's sshd, with these variables. */
async function run(vars: Record<string, string> = {}) {
  const out = tempDir('ssh');
  const all = { SSH_PORT: String(sshd.port), SSH_KEY: sshd.identityFile, CONTROL_PORT: String(await freePort()), DATA_PORT: String(await freePort()), ...vars };
  const args = [bin, 'run', 'test/fixtures/suites/valid/ssh-peer.yml', '--out', out, ...Object.entries(all).flatMap(([k, v]) => ['--var', `${k}=${v}`])];
  const result = spawnSync(process.execPath, args, {
    cwd: projectRoot,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', CI: '1', PERFSUITE_SSH_CONFIG: sshd.clientConfig },
  });
  return { ...result, results: JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResult };
}

describe.skipIf(unavailable !== undefined)(
  `type: ssh servers against a real OpenSSH server${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    beforeAll(async () => {
      sshd = await startSshd();
    });

    afterAll(async () => {
      await sshd?.stop();
    });

    it('starts netserver on the peer over ssh, measures through it, and stops exactly that process', async () => {
      const result = await run();
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const cases = result.results.suites[0]?.cases ?? [];
      expect(cases.map((c) => c.status)).toEqual(['pass', 'pass']);
      expect(cases[0]?.metrics.transaction_rate).toBeGreaterThan(1000);
      const server = result.results.servers[0];
      expect(server).toMatchObject({ key: 'ssh-peer/peer', host: '127.0.0.1' });
      // the peer is this machine, so the recorded remote pid can be checked here: it was netserver, and it is gone
      expect(server?.pid).toBeGreaterThan(1);
      expect(isRunning(server?.pid ?? -1)).toBe(false);
      // what shapes TCP on each side, read once: this host towards the peer, and the peer (over ssh) towards this host
      expect(server?.facts?.problems).toBeUndefined();
      expect(server?.facts?.local?.interface).toMatchObject({ name: 'lo', mtu: 65536 });
      expect(server?.facts?.remote?.interface).toMatchObject({ name: 'lo', mtu: 65536 });
      expect(server?.facts?.remote?.sysctls['net.ipv4.tcp_congestion_control']).toBe(readFileSync('/proc/sys/net/ipv4/tcp_congestion_control', 'utf8').trim());
      const argv = cases[0]?.netperf[0]?.argv ?? [];
      expect(argv.slice(argv.indexOf('-Z'), argv.indexOf('-Z') + 2)).toEqual(['-Z', '{passphrase}']);
      // data_port pins the data connection's remote port, so a firewall can allow exactly it
      expect(argv.slice(argv.lastIndexOf('-P'), argv.lastIndexOf('-P') + 2)).toEqual(['-P', expect.stringMatching(/^,\d+$/)]);
      // the passphrase (32 hex digits) is never written; the only long hex string is the git commit of the provenance
      const { provenance, ...rest } = result.results;
      expect(JSON.stringify(rest)).not.toMatch(/[0-9a-f]{32}/);
      expect(JSON.stringify(provenance).replace(provenance?.commit ?? '', '')).not.toMatch(/[0-9a-f]{32}/);
    });

    it('on Ctrl-C stops the remote netserver too, keeping the finished case', async () => {
      const out = tempDir('ssh');
      const vars = { SSH_PORT: String(sshd.port), SSH_KEY: sshd.identityFile, CONTROL_PORT: String(await freePort()), DATA_PORT: String(await freePort()) };
      const child = spawn(
        process.execPath,
        [
          bin,
          'run',
          'test/fixtures/suites/valid/ssh-peer.yml',
          '--out',
          out,
          '--duration',
          '3',
          ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}=${v}`]),
        ],
        {
          cwd: projectRoot,
          env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', CI: '1', PERFSUITE_SSH_CONFIG: sshd.clientConfig },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
      expect((await lines.next()).value).toMatch(/^✓ \[1\/2\] ssh-peer\/rr\[test=TCP_RR\]/);
      const exited = once(child, 'exit');
      child.kill('SIGINT');
      const [code] = (await exited) as [number | null];
      expect(code).toBe(130);
      const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResult;
      expect(results.state).toBe('interrupted');
      expect(results.suites[0]?.cases[0]?.status).toBe('pass');
      const pid = results.servers[0]?.pid ?? -1;
      expect(pid).toBeGreaterThan(1);
      expect(isRunning(pid)).toBe(false);
    });

    it('a dropped ssh connection takes the remote netserver down with it', async () => {
      const netserver = await startSshNetserver({
        target: { host: '127.0.0.1', user: 'root', sshPort: sshd.port, identityFile: sshd.identityFile, configFile: sshd.clientConfig },
        controlPort: await freePort(),
        passphrase: 'feedface',
      });
      expect(isRunning(netserver.pid)).toBe(true);
      // the ssh client dies without a word (as when the network goes): the session's tty hangs netserver up
      const ssh = spawnSync('pgrep', ['-f', '--', `-p ${sshd.port} .*PERFSUITE_PID`], { encoding: 'utf8' })
        .stdout.split('\n')
        .map(Number)
        .filter((pid) => Number.isInteger(pid) && pid > 1 && pid !== process.pid);
      expect(ssh).toHaveLength(1);
      for (const pid of ssh) process.kill(pid, 'SIGKILL');
      const deadline = Date.now() + 10_000;
      while ((isRunning(netserver.pid) || !netserver.hasExited()) && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
      expect(isRunning(netserver.pid)).toBe(false);
      expect(netserver.hasExited()).toBe(true);
    });

    it('doctor checks ssh reachability and the netserver version on the peer, one line each', () => {
      const doctor = (key: string) =>
        spawnSync(
          process.execPath,
          [
            bin,
            'doctor',
            'test/fixtures/suites/valid/ssh-peer.yml',
            '--var',
            `SSH_PORT=${sshd.port}`,
            '--var',
            `SSH_KEY=${key}`,
            '--var',
            'CONTROL_PORT=12865',
            '--var',
            'DATA_PORT=12866',
          ],
          {
            cwd: projectRoot,
            encoding: 'utf8',
            env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', PERFSUITE_SSH_CONFIG: sshd.clientConfig },
          },
        );
      const good = doctor(sshd.identityFile);
      expect(good.status).toBe(0);
      expect(good.stdout).toBe('✓ netperf: 2.7.0\n✓ netserver: 2.7.0\n✓ ssh-peer/peer: ssh 127.0.0.1: reachable, netserver 2.7.0 there\n');
      const bad = doctor(sshd.wrongIdentityFile);
      expect(bad.status).toBe(3);
      expect(bad.stdout).toMatch(/^✗ ssh-peer\/peer: ssh 127\.0\.0\.1: ssh to root@127\.0\.0\.1:\d+ was refused \(.*Permission denied/m);
    });

    it('doctor reads the congestion control and CPUs the peer offers, for the cases that ask for them', async () => {
      // the peer is this machine, so it offers what this kernel offers
      const here = congestionControlFacts();
      const offered = [...(here.availableCongestionControls ?? [])];
      const file = 'test/fixtures/suites/valid/peer-tuned.yml';
      const doctor = (vars: Record<string, string>) =>
        perfsuiteInProcess(
          ['doctor', file, ...Object.entries({ SSH_PORT: String(sshd.port), SSH_KEY: sshd.identityFile, ...vars }).flatMap(([k, v]) => ['--var', `${k}=${v}`])],
          {
            env: { PATH: process.env['PATH'] ?? '', PERFSUITE_SSH_CONFIG: sshd.clientConfig },
          },
        );
      const bad = await doctor({ PEER_CC: 'nosuchcc', REMOTE_CPU: '4095' });
      expect(bad.status).toBe(3);
      const lines = bad.stdout.split('\n');
      expect(lines).toContain('✓ peer-tuned/peer: ssh 127.0.0.1: reachable, netserver 2.7.0 there');
      expect(lines).toContain(
        `✗ peer-tuned/peer: on 127.0.0.1: ${file}:19:34: congestion_control nosuchcc is not available in the kernel of 127.0.0.1 (it has ${offered.join(', ')}); load it there (modprobe tcp_nosuchcc) or pick one of those`,
      );
      expect(bad.stdout).toMatch(
        new RegExp(
          `^✗ peer-tuned/peer: on 127\\.0\\.0\\.1: ${file.replaceAll('.', '\\.')}:21:7: cpu_affinity ,4095 pins netserver on 127\\.0\\.0\\.1 to CPU 4095, but 127\\.0\\.0\\.1 has \\d+ CPUs?`,
          'm',
        ),
      );
      // an algorithm this kernel offers passes at the peer too
      const other = offered.find((name) => name !== 'reno') ?? 'cubic';
      const good = await doctor({ PEER_CC: other });
      expect(good.stdout.split('\n')).toContain(
        `✓ peer-tuned/peer: on 127.0.0.1: congestion control reno, ${other} offered (it has ${offered.join(', ')}); ${availableParallelism()} CPU${availableParallelism() === 1 ? '' : 's'} for cpu_affinity remote`,
      );
      expect(good.stdout).not.toContain('✗ peer-tuned/peer');
      // the test's ssh user is root, who may set what the kernel offers but does not allow users that are not root
      const restricted = offered.find((name) => name !== 'reno' && here.allowedCongestionControls?.has(name) === false);
      if (restricted !== undefined) {
        const asRoot = await doctor({ PEER_CC: restricted });
        expect(asRoot.stdout.split('\n')).toContain(
          `✓ peer-tuned/peer: on 127.0.0.1: congestion control reno, ${restricted} offered (it has ${offered.join(', ')}); ${availableParallelism()} CPU${availableParallelism() === 1 ? '' : 's'} for cpu_affinity remote`,
        );
      }
    });

    it('refuses a netserver of another version on the peer, naming both', async () => {
      const result = await run({ NETSERVER: path.join(projectRoot, 'test/fixtures/bin/netserver-2.6.0') });
      expect(result.status).toBe(3);
      expect(result.results.suites[0]?.cases[0]?.error).toEqual({
        kind: 'version-mismatch',
        message: 'ssh-peer/peer: netserver on 127.0.0.1 is 2.6.0 but netperf here is 2.7.0; install the same netperf version on both ends',
      });
    });

    it('says the key was refused when ssh cannot log in', async () => {
      const result = await run({ SSH_KEY: sshd.wrongIdentityFile });
      expect(result.status).toBe(3);
      const error = result.results.suites[0]?.cases[0]?.error;
      expect(error?.kind).toBe('ssh-auth');
      expect(error?.message).toMatch(
        /^ssh-peer\/peer: ssh to root@127\.0\.0\.1:\d+ was refused \(.*Permission denied.*\); check user:, identity_file: or your ssh-agent/,
      );
    });

    it('says nothing listens when no sshd is there', async () => {
      const result = await run({ SSH_PORT: String(await freePort()) });
      expect(result.status).toBe(3);
      const error = result.results.suites[0]?.cases[0]?.error;
      expect(error?.kind).toBe('ssh-unreachable');
      expect(error?.message).toMatch(/cannot open an ssh connection to root@127\.0\.0\.1:\d+ \(.*Connection refused.*\); check the host is up/);
    });

    it('says netserver is missing on the peer', async () => {
      const result = await run({ NETSERVER: '/nonexistent/netserver' });
      expect(result.status).toBe(3);
      const error = result.results.suites[0]?.cases[0]?.error;
      expect(error?.kind).toBe('netserver-missing');
      expect(error?.message).toMatch(/netserver is not installed on 127\.0\.0\.1 \(.*\/nonexistent\/netserver.*\); install netperf there/);
    });
  },
);
