// @module-tag slow
// @module-tag root
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { netnsUnavailable, removeStaleNamespaces } from '../../src/exec/netns-link.js';
import type { RunResult } from '../../src/model/results.js';
import { isRunning, projectRoot, tempDir, waitUntil } from '../helpers.js';

const bin = path.join(projectRoot, 'bin/perfsuite.js');
const suites = 'test/fixtures/suites/valid';
const unavailable = await netnsUnavailable();
const env = { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', CI: '1' };

const outDir = (): string => tempDir('netns');
const readResults = (dir: string): RunResult => JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as RunResult;
const namespaces = (): string[] =>
  spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name !== '');

describe.skipIf(unavailable !== undefined)(`type: netns servers${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`, () => {
  it('makes a namespace with a 100 Mbit/s link and a passphrase-protected netserver, measures through it, and removes it all', () => {
    const dir = outDir();
    const result = spawnSync(process.execPath, [bin, 'run', `${suites}/netns-shaped.yml`, '--out', dir], { cwd: projectRoot, encoding: 'utf8', env });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const results = readResults(dir);
    const [bulk, rr, maerts, largeResponse] = results.suites[0]?.cases ?? [];
    // tbf at 100 Mbit/s on both ends: TCP lands within 10% below the configured rate, in both directions
    expect(bulk?.metrics.throughput).toBeGreaterThan(90e6);
    expect(bulk?.metrics.throughput).toBeLessThanOrEqual(100e6);
    expect(maerts?.metrics.throughput).toBeGreaterThan(90e6);
    expect(maerts?.metrics.throughput).toBeLessThanOrEqual(100e6);
    expect(rr?.metrics.transaction_rate).toBeGreaterThan(1000);
    // 64 KiB responses come back through the shaped namespace end too: at most 100 Mbit/s of them
    const responseBitsPerSecond = (largeResponse?.metrics.transaction_rate ?? Infinity) * 65536 * 8;
    expect(responseBitsPerSecond).toBeLessThanOrEqual(100e6);
    expect(responseBitsPerSecond).toBeGreaterThan(50e6);
    const server = results.servers[0];
    expect(server).toMatchObject({ key: 'netns-shaped/shaped', port: 12865 });
    expect(server?.host).toMatch(/^10\.213\.\d+\.\d+$/);
    // netperf had to send the passphrase; it is kept out of the results
    const argv = bulk?.netperf[0]?.argv ?? [];
    expect(argv.slice(argv.indexOf('-Z'), argv.indexOf('-Z') + 2)).toEqual(['-Z', '{passphrase}']);
    expect(JSON.stringify(results)).not.toMatch(/"-Z",\s*"[0-9a-f]{32}"/);
    expect(isRunning(server?.pid ?? -1)).toBe(false);
    // only this run's namespaces (perfsuite-<pid>-<n>): another perfsuite may be running on the machine
    expect(namespaces().filter((name) => name.startsWith(`perfsuite-${result.pid}-`))).toEqual([]);
  });

  it('steers a pinned case’s receive processing on each veth end to the CPU of the process that reads it', () => {
    const dir = outDir();
    const result = spawnSync(process.execPath, [bin, 'run', `${suites}/netns-steer.yml`, '--out', dir], { cwd: projectRoot, encoding: 'utf8', env });
    expect(result.status).toBe(0);
    // the teardown read each end's rps_cpus before the namespace went: this host's end (netperf, local: 1) → CPU 1,
    // the namespace's end (netserver, remote: 0) → CPU 0
    const hooks = readResults(dir).servers[0]?.hooks ?? [];
    // sysfs prints the mask zero-padded to the CPU count, in 32-bit words: 02, or 00000000,00000002 on 64 CPUs
    const mask = (output: string | undefined) => Number.parseInt((output ?? '').replace(/[,\s]/g, ''), 16);
    expect(mask(hooks.find((h) => h.inNamespace !== true)?.output)).toBe(2);
    expect(mask(hooks.find((h) => h.inNamespace === true)?.output)).toBe(1);
  });

  it('cleans up after a killed run: its netserver dies with it, and the next run removes the stale namespace', async () => {
    const dir = outDir();
    const child = spawn(process.execPath, [bin, 'run', `${suites}/netns-long.yml`, '--out', dir], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    expect((await lines.next()).value).toMatch(/^✓ \[1\/3\] netns-long\/bulk/);
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
    const stale = `perfsuite-${child.pid ?? -1}-0`;
    expect(namespaces()).toContain(stale);
    // setpriv --pdeathsig: the kernel kills netserver when perfsuite dies, even by SIGKILL
    const orphan = readResults(dir).servers[0]?.pid ?? -1;
    expect(orphan).toBeGreaterThan(0);
    await waitUntil(() => !isRunning(orphan), 2_000, 'the netserver of a SIGKILLed perfsuite still runs');

    const again = outDir();
    const result = spawnSync(process.execPath, [bin, 'run', `${suites}/netns-shaped.yml`, '--out', again], { cwd: projectRoot, encoding: 'utf8', env });
    expect(result.status).toBe(0);
    expect(namespaces()).not.toContain(stale);
    // and says so, naming the veth pair that went with it
    const short = (child.pid ?? -1) % 100_000;
    expect(result.stderr).toContain(
      `perfsuite: warning: removed namespace ${stale} and veth ps${short}h0/ps${short}p0 left by an earlier run (pid ${child.pid ?? -1}, no longer running)\n`,
    );
  });

  it('removes a stale namespace and kills what still runs inside it (where setpriv could not tie it to perfsuite)', async () => {
    // a pid that no longer runs: a child that has exited and been reaped
    const gone = spawnSync('true').pid ?? 0;
    const stale = `perfsuite-${gone}-0`;
    expect(spawnSync('ip', ['netns', 'add', stale]).status).toBe(0);
    const inside = spawn('ip', ['netns', 'exec', stale, 'sleep', '1000'], { stdio: 'ignore', detached: true });
    expect(inside.pid).toBeGreaterThan(0);
    await waitUntil(() => spawnSync('ip', ['netns', 'pids', stale], { encoding: 'utf8' }).stdout.trim() !== '', 2_000, 'sleep did not start in the namespace');
    const removed = await removeStaleNamespaces();
    expect(removed.find((r) => r.namespace === stale)).toMatchObject({ pid: gone, killed: [expect.any(Number)] });
    expect(namespaces()).not.toContain(stale);
    await waitUntil(() => !isRunning(inside.pid ?? -1), 2_000, 'the process inside the stale namespace still runs');
  });

  it('says what it removed of a killed run: each namespace with its veth pair, also a pair not yet moved into its namespace', () => {
    // a pid that no longer runs: a child that has exited and been reaped
    const gone = spawnSync('true').pid ?? 0;
    const short = gone % 100_000;
    // what createNetnsLink leaves when killed after moving the peer into the namespace, and when killed just before
    const moved = `perfsuite-${gone}-0`;
    const unmoved = `perfsuite-${gone}-1`;
    const ip = (...args: string[]): void => expect(spawnSync('ip', args, { encoding: 'utf8' }).stderr).toBe('');
    const linkExists = (name: string): boolean => spawnSync('ip', ['-o', 'link', 'show', 'dev', name]).status === 0;
    try {
      ip('netns', 'add', moved);
      ip('link', 'add', `ps${short}h0`, 'type', 'veth', 'peer', 'name', `ps${short}p0`);
      ip('link', 'set', `ps${short}p0`, 'netns', moved);
      ip('netns', 'add', unmoved);
      ip('link', 'add', `ps${short}h1`, 'type', 'veth', 'peer', 'name', `ps${short}p1`);
      const result = spawnSync(process.execPath, [bin, 'run', `${suites}/netns-one.yml`, '--out', outDir()], { cwd: projectRoot, encoding: 'utf8', env });
      expect(result.status).toBe(0);
      // (another perfsuite's leftovers may be noted too: only these are asserted)
      expect(result.stderr.split('\n')).toEqual(
        expect.arrayContaining([
          `perfsuite: warning: removed namespace ${moved} and veth ps${short}h0/ps${short}p0 left by an earlier run (pid ${gone}, no longer running)`,
          `perfsuite: warning: removed namespace ${unmoved} and veth ps${short}h1/ps${short}p1 left by an earlier run (pid ${gone}, no longer running)`,
        ]),
      );
      expect(namespaces()).not.toContain(moved);
      expect(namespaces()).not.toContain(unmoved);
      for (const name of [`ps${short}h0`, `ps${short}h1`, `ps${short}p1`]) expect(linkExists(name), name).toBe(false);
    } finally {
      for (const name of [moved, unmoved]) spawnSync('ip', ['netns', 'delete', name]);
      for (const name of [`ps${short}h0`, `ps${short}h1`]) spawnSync('ip', ['link', 'delete', name]);
    }
  });

  it('doctor says whether namespaces can be made and whether netem is there', () => {
    const result = spawnSync(process.execPath, [bin, 'doctor', `${suites}/netns-shaped.yml`, `${suites}/netns-netem.yml`], {
      cwd: projectRoot,
      encoding: 'utf8',
      env,
    });
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[2]).toBe('✓ netns-shaped/shaped: network namespace: can be made, shaped to 100mbit with tc tbf');
    if (result.status === 0) expect(lines[3]).toBe('✓ netns-netem/delayed: network namespace: can be made, and netem shapes delay/jitter/loss');
    else expect(lines[3]).toMatch(/^✗ netns-netem\/delayed: network namespace: tc could not add netem .*sch_netem/);
    // only this run's namespaces (perfsuite-<pid>-<n>): another perfsuite may be running on the machine
    expect(namespaces().filter((name) => name.startsWith(`perfsuite-${result.pid}-`))).toEqual([]);
  });

  it('asks for delay through netem, and names the missing kernel module where netem is not there', () => {
    const dir = outDir();
    const result = spawnSync(process.execPath, [bin, 'run', `${suites}/netns-netem.yml`, '--out', dir], { cwd: projectRoot, encoding: 'utf8', env });
    const [c] = readResults(dir).suites[0]?.cases ?? [];
    if (result.status === 0) {
      // 5 ms each way through netem: a round trip takes at least 5 ms
      expect(c?.metrics.latency_p50).toBeGreaterThan(5000);
    } else {
      expect(result.status).toBe(3);
      expect(c?.error?.message).toMatch(
        /could not set up the network namespace of netns-netem\/delayed: tc could not add netem .*sch_netem module \(try modprobe sch_netem\), or shape with rate: alone/,
      );
    }
    // only this run's namespaces (perfsuite-<pid>-<n>): another perfsuite may be running on the machine
    expect(namespaces().filter((name) => name.startsWith(`perfsuite-${result.pid}-`))).toEqual([]);
  });
});
