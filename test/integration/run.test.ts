// @module-tag slow
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { isRunning, projectRoot, readResults, schemaErrors, tempDir, waitUntil } from '../helpers.js';

const bin = path.join(projectRoot, 'bin/perfsuite.js');
const suites = 'test/fixtures/suites/valid';

function outDir(): string {
  return tempDir('run');
}

/** netperf or netserver processes still using this port. */
function processesOnPort(port: number): string[] {
  const found = spawnSync('pgrep', ['-a', '-f', `-p ${port}( |$)`], { encoding: 'utf8' }).stdout.trim();
  return found === '' ? [] : found.split('\n').filter((line) => isRunning(Number(line.split(' ')[0])));
}

function run(args: readonly string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [bin, 'run', ...args], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', CI: '1', ...env },
  });
}

/** Starts `perfsuite run`, resolving each time a line appears on stdout. */
function start(args: readonly string[]) {
  const child = spawn(process.execPath, [bin, 'run', ...args], {
    cwd: projectRoot,
    env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', CI: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return { child, nextLine: async () => (await lines.next()).value as string, exit: once(child, 'exit') as Promise<[number | null, string | null]> };
}

describe('perfsuite run with the real netperf on loopback', () => {
  it('measures every test type with its parameters and stops its netserver', () => {
    const dir = outDir();
    const result = run([`${suites}/every-test.yml`, '--out', dir]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const results = readResults(dir);
    expect(results.state).toBe('complete');
    expect(results.environment.netperfVersion).toBe('2.7.0');
    const cases = results.suites[0]?.cases ?? [];
    expect(cases.map((c) => [c.id, c.status])).toEqual([
      ['every-test/tcp-stream', 'pass'],
      ['every-test/tcp-maerts', 'pass'],
      ['every-test/udp-stream', 'pass'],
      ['every-test/tcp-rr', 'pass'],
      ['every-test/tcp-crr', 'pass'],
      ['every-test/udp-rr', 'pass'],
    ]);
    expect(cases[0]?.metrics.throughput).toBeGreaterThan(1e6);
    expect(cases[2]?.metrics.loss).toBeGreaterThanOrEqual(0);
    expect(cases[2]?.metrics.send_throughput).toBeGreaterThan(0);
    expect(cases[3]?.metrics.latency_p99).toBeGreaterThan(0);
    expect(cases[4]?.metrics.cpu_local).toBeGreaterThan(0);
    expect(cases[5]?.confidenceWidthPercent?.length).toBe(1);
    // every TCP run records its retransmissions and MSS; UDP runs keep their send, receive and loss
    expect(cases[0]?.runs[0]).toMatchObject({ retransmissions: expect.any(Number) as number, mss: expect.any(Number) as number });
    expect(cases[2]?.runs[0]?.retransmissions).toBeUndefined();
    const server = results.servers[0];
    expect(server?.host).toBe('127.0.0.1');
    expect(isRunning(server?.pid ?? -1)).toBe(false);
    // both ends are this host: one side of facts, read once, towards its loopback; no qdisc counters per run
    expect(server?.facts?.local?.interface).toMatchObject({ name: 'lo', mtu: 65536 });
    expect(server?.facts?.remote).toBeUndefined();
    expect(cases.flatMap((c) => c.runs).some((run) => run.qdisc_drops !== undefined)).toBe(false);
    expect(processesOnPort(server?.port ?? 0)).toEqual([]);
  });

  it('runs streams and repeats, leaves warm-ups out, and exits 1 when a threshold fails', () => {
    const dir = outDir();
    const summary = path.join(dir, 'step-summary.md');
    const result = run([`${suites}/run-features.yml`, '--out', dir], { GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: projectRoot, GITHUB_STEP_SUMMARY: summary });
    expect(result.status).toBe(1);
    const [streams, warmup, impossible] = readResults(dir).suites[0]?.cases ?? [];
    expect(streams?.runs).toHaveLength(2);
    expect(streams?.netperf).toHaveLength(2);
    expect(streams?.status).toBe('pass');
    const perStream = (streams?.netperf ?? []).map((n) => Number(/TRANSACTION_RATE=(\S+)/.exec(n.stdout)?.[1]));
    expect(streams?.runs[1]?.transaction_rate).toBeCloseTo((perStream[0] ?? 0) + (perStream[1] ?? 0), 0);
    expect(warmup?.runs).toHaveLength(2);
    expect(warmup?.durationSeconds).toBeGreaterThanOrEqual(3);
    expect(impossible?.status).toBe('fail');
    expect(impossible?.thresholds[0]).toMatchObject({ metric: 'latency_p99', expression: '< 1ns', passed: false, line: 22 });
    expect(result.stdout).toMatch(
      /^✗ \[3\/3\] run-features\/impossible .*latency_p99 < 1ns \(got [\d.]+ µs, test\/fixtures\/suites\/valid\/run-features\.yml:22\)/m,
    );

    // what a CI user sees: the case lines folded per suite, one annotation at the threshold's line, the summary
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('::group::perfsuite: run-features');
    expect(lines[4]).toBe('::endgroup::');
    expect(lines[5]).toMatch(
      /^::error file=test\/fixtures\/suites\/valid\/run-features\.yml,line=22,title=perfsuite%3A run-features\/impossible missed a threshold::latency_p99 was [\d.]+ µs, expected < 1ns$/,
    );
    expect(result.stdout).toMatch(/^ {2}✓ transaction_rate >= 100\/s {2}1\/1 case {3}got [\d.]+k?\/s +test\/fixtures\/suites\/valid\/run-features\.yml:12$/m);
    expect(result.stdout).toMatch(/^ {2}✗ latency_p99 < 1ns +0\/1 case {3}got [\d.]+ µs +test\/fixtures\/suites\/valid\/run-features\.yml:22$/m);
    expect(result.stdout).toContain('reports in ');
    expect(readFileSync(summary, 'utf8')).toMatch(/^## ❌ perfsuite: 1 of 3 cases failed a threshold\n/);
    expect(schemaErrors(readFileSync(path.join(dir, 'junit.xml'), 'utf8'))).toBe('');
    expect(readFileSync(path.join(dir, 'report.md'), 'utf8')).toContain('| ❌ | `run-features/impossible` | latency_p99 was');
    expect(readFileSync(path.join(dir, 'report.html'), 'utf8')).toContain('<tr class="fail" data-case="run-features/impossible">');

    // every report can be rebuilt from results.json alone, byte for byte
    const again = outDir();
    const report = spawnSync(process.execPath, [bin, 'report', path.join(dir, 'results.json'), '--out', again], {
      cwd: projectRoot,
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' },
    });
    expect(report.status).toBe(1);
    for (const file of ['junit.xml', 'report.md', 'report.html'])
      expect(readFileSync(path.join(again, file), 'utf8')).toBe(readFileSync(path.join(dir, file), 'utf8'));
  });

  it('classifies each failure, says what to do, and exits 3', () => {
    const dir = outDir();
    const result = run([`${suites}/run-failures.yml`, '--out', dir]);
    expect(result.status).toBe(3);
    const cases = readResults(dir).suites[0]?.cases ?? [];
    expect(cases.map((c) => [c.group, c.status, c.error?.kind])).toEqual([
      ['no-netserver', 'error', 'no-netserver'],
      ['dns', 'error', 'dns'],
      ['message-too-long', 'error', 'message-too-long'],
      ['unknown-test', 'error', 'unknown-test'],
      ['missing-keys', 'error', 'missing-keys'],
      ['timeout', 'error', 'timeout'],
    ]);
    expect(cases[0]?.error?.message).toMatch(/cannot reach the netserver of run-failures\/closed at 127\.0\.0\.1:1/);
    expect(cases[4]?.error?.message).toMatch(/did not print THROUGHPUT_UNITS/);
    // killed at its timeout (6 s), long before the 30 s netperf was told to run
    expect(cases[5]?.durationSeconds).toBeLessThan(10);
    expect(result.stdout).toMatch(/^! \[1\/6\] run-failures\/no-netserver {2}no-netserver: /m);
  });

  it('restarts a netserver that died and retries, so the run still passes', async () => {
    const dir = outDir();
    const { child, nextLine, exit } = start([`${suites}/run-three.yml`, '--out', dir]);
    expect(await nextLine()).toMatch(/^✓ \[1\/3\]/);
    const first = readResults(dir).servers[0];
    process.kill(first?.pid ?? -1, 'SIGKILL');
    const rest = [await nextLine(), await nextLine()];
    const [code] = await exit;
    // the case that met the dead netserver says it was retried, and why
    expect(rest.filter((line) => / {2}retried once after (netserver-died|no-netserver|remote-timeout): .*127\.0\.0\.1:\d+/.test(line))).toHaveLength(1);
    const results = readResults(dir);
    expect(results.suites[0]?.cases.map((c) => [c.status, c.error?.message])).toEqual([
      ['pass', undefined],
      ['pass', undefined],
      ['pass', undefined],
    ]);
    expect(code).toBe(0);
    expect(results.suites[0]?.cases.reduce((n, c) => n + c.retries, 0)).toBeGreaterThanOrEqual(1);
    expect(results.servers[0]?.pid).not.toBe(first?.pid);
    expect(isRunning(results.servers[0]?.pid ?? -1)).toBe(false);
    child.kill();
  });

  it('refuses an output directory it cannot write before running anything, exit 2', () => {
    const notADirectory = path.join(outDir(), 'file');
    writeFileSync(notADirectory, '');
    const result = run([`${suites}/run-three.yml`, '--out', path.join(notADirectory, 'out')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^perfsuite: cannot write results to .*\/file\/out: ENOTDIR.*; pass a writable --out directory/);
    expect(result.stdout).toBe('');
  });

  it('says which report it could not write after the run, keeps results.json whole, and exits 3 (not an unexpected error)', () => {
    const out = outDir();
    mkdirSync(path.join(out, 'report.html'));
    const result = run([`${suites}/run-three.yml`, '--filter', 'test=TCP_RR', '--repeat', '1', '--out', out]);
    expect(result.stderr).toMatch(
      /^perfsuite: cannot write .*\/report\.html \(EISDIR.*\); the run itself finished \(1 case passed\) and .*results\.json holds every case: free the path, then write the reports from it with perfsuite report .*results\.json\n$/,
    );
    expect(result.status).toBe(3);
    expect(readResults(out)).toMatchObject({ state: 'complete', suites: [{ cases: [{ status: 'pass' }] }] });
  });

  it('prints how to install netperf when it is missing, and exits 3', () => {
    const result = spawnSync(process.execPath, [bin, 'run', `${suites}/run-three.yml`, '--out', outDir()], {
      cwd: projectRoot,
      encoding: 'utf8',
      env: { PATH: '/nonexistent', NO_COLOR: '1' },
    });
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(
      /^perfsuite: netperf is not installed or not on PATH; install it with: bash scripts\/install-deps\.sh \(Debian: add the non-free component, then apt-get install netperf/,
    );
  });

  it('on SIGINT keeps the finished cases, exits 130 and leaves no netserver or netperf behind', async () => {
    const dir = outDir();
    const { nextLine, exit, child } = start([`${suites}/run-three.yml`, '--out', dir, '--duration', '3']);
    expect(await nextLine()).toMatch(/^✓ \[1\/3\]/);
    const { port, pid } = readResults(dir).servers[0] ?? { port: 0, pid: -1 };
    child.kill('SIGINT');
    const [code] = await exit;
    expect(code).toBe(130);
    const results = readResults(dir);
    expect(results.state).toBe('interrupted');
    // the finished case, then the two it never finished or started, as skipped
    expect(results.suites[0]?.cases.map((c) => c.status)).toEqual(['pass', 'skipped', 'skipped']);
    expect(results.suites[0]?.cases[1]?.error).toEqual({ kind: 'interrupted', message: 'the run was interrupted before this case' });
    // the reports cover every planned case, and none calls the run a pass
    const junit = readFileSync(path.join(dir, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<testsuite [^>]*tests="3"[^>]*skipped="2"/);
    expect(schemaErrors(junit)).toBe('');
    const markdown = readFileSync(path.join(dir, 'report.md'), 'utf8');
    expect(markdown.split('\n')[0]).toBe('## ⏹️ perfsuite: 1 of 3 cases passed; 2 of 3 cases did not run; the run was interrupted before every case finished');
    expect(markdown).not.toMatch(/all \d+ cases passed/);
    expect(isRunning(pid ?? -1)).toBe(false);
    expect(processesOnPort(port)).toEqual([]);
  });

  it('when SIGKILLed mid-run leaves no netserver behind: it dies with perfsuite', async () => {
    const dir = outDir();
    const { nextLine, exit, child } = start([`${suites}/run-three.yml`, '--out', dir, '--duration', '3']);
    expect(await nextLine()).toMatch(/^✓ \[1\/3\]/);
    const { pid } = readResults(dir).servers[0] ?? { pid: -1 };
    expect(isRunning(pid ?? -1)).toBe(true);
    child.kill('SIGKILL');
    await exit;
    await waitUntil(() => !isRunning(pid ?? -1), 2_000, 'the netserver of a SIGKILLed perfsuite still runs');
    // what finished before the kill is on disk, and a report of it never calls the unfinished run a pass
    expect(readResults(dir).suites[0]?.cases[0]?.status).toBe('pass');
    const report = spawnSync(process.execPath, [bin, 'report', path.join(dir, 'results.json'), '--out', outDir()], {
      cwd: projectRoot,
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' },
    });
    expect(report.status).toBe(3);
  });

  it('on SIGHUP (the terminal closed) stops like on SIGTERM: finished cases kept, exit 130, netserver stopped', async () => {
    const dir = outDir();
    const { nextLine, exit, child } = start([`${suites}/run-three.yml`, '--out', dir, '--duration', '3']);
    expect(await nextLine()).toMatch(/^✓ \[1\/3\]/);
    const { pid } = readResults(dir).servers[0] ?? { pid: -1 };
    child.kill('SIGHUP');
    const [code] = await exit;
    expect(code).toBe(130);
    expect(readResults(dir).state).toBe('interrupted');
    expect(isRunning(pid ?? -1)).toBe(false);
  });

  const canMount = process.getuid?.() === 0 && spawnSync('mount', ['--version']).status === 0;
  it.skipIf(!canMount)('when the disk fills mid-run, stops with the reason and keeps the last whole results.json, exit 3', { tags: ['root'] }, async () => {
    const mountPoint = outDir();
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint]).status).toBe(0);
    try {
      const dir = path.join(mountPoint, 'out');
      const stderr: string[] = [];
      const { nextLine, exit, child } = start([`${suites}/run-three.yml`, '--out', dir, '--duration', '1']);
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
      expect(await nextLine()).toMatch(/^✓ \[1\/3\]/);
      const { pid } = readResults(dir).servers[0] ?? { pid: -1 };
      // fill what is left of the disk
      const filler = path.join(mountPoint, 'filler');
      for (let size = 1 << 20; size >= 1; size >>= 1) {
        try {
          appendFileSync(filler, Buffer.alloc(size));
          size <<= 1;
        } catch {
          // smaller pieces until nothing fits
        }
      }
      const [code] = await exit;
      expect(code).toBe(3);
      // whichever file the full disk refused (the journal, or results.json), the message says how many cases are kept
      const message = stderr.join('');
      expect(message).toMatch(
        /^perfsuite: cannot write .*\/out\/results(\.journal\.jsonl|\.json) \(ENOSPC: no space left on device.*\); the run stopped there, and the files on disk hold the (1 case|2 cases) finished before it \(perfsuite report .*\/out\/results\.json reads them\)\. Free space or pass another --out, then run again\n$/,
      );
      const kept = Number(/hold the (\d)/.exec(message)?.[1]);
      expect(readResults(dir).suites[0]?.cases[0]?.status).toBe('pass');
      // report reads results.json with the journal beside it: every case the message counted, none lost
      const report = spawnSync(process.execPath, [bin, 'report', path.join(dir, 'results.json'), '--out', outDir(), '--reporter', 'json'], {
        cwd: projectRoot,
        encoding: 'utf8',
      });
      expect(report.stdout).toMatch(new RegExp(`^${kept} cases?: ${kept} passed`, 'm'));
      // results.json and the journal, nothing half-written beside them
      expect(readdirSync(dir).filter((file) => file !== 'results.json' && file !== 'results.journal.jsonl')).toEqual([]);
      expect(isRunning(pid ?? -1)).toBe(false);
    } finally {
      spawnSync('umount', [mountPoint]);
    }
  });

  it.skipIf(!canMount)('refuses an --out (or --dir) on a read-only filesystem before writing anything, exit 2', { tags: ['root'] }, () => {
    const mountPoint = outDir();
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,ro', 'tmpfs', mountPoint]).status).toBe(0);
    try {
      const result = run([`${suites}/run-three.yml`, '--out', path.join(mountPoint, 'out')]);
      expect(result.status).toBe(2);
      expect(result.stderr).toBe(
        `perfsuite: cannot write results to ${mountPoint}/out: ${mountPoint} is not writable (EROFS); pass a writable --out directory\n`,
      );
      expect(result.stdout).toBe('');
      // the same for report's --out and init's --dir: a usage error that names the cause, never a crash
      const cli = (args: string[]) =>
        spawnSync(process.execPath, [bin, ...args], { cwd: projectRoot, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' } });
      const report = cli(['report', 'test/fixtures/results/sweep.results.json', '--out', path.join(mountPoint, 'reports')]);
      expect([report.status, report.stderr]).toEqual([
        2,
        `perfsuite: cannot write reports to ${mountPoint}/reports: ${mountPoint} is not writable (EROFS); pass a writable --out directory\n`,
      ]);
      const init = cli(['init', '--dir', path.join(mountPoint, 'repo')]);
      expect([init.status, init.stderr]).toEqual([
        2,
        `perfsuite: cannot write ${mountPoint}/repo/suites/network.yml: ${mountPoint} is not writable (EROFS); pass a writable --dir\n`,
      ]);
    } finally {
      spawnSync('umount', [mountPoint]);
    }
  });
});
