// @module-tag slow
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/model/results.js';
import { isRunning, projectRoot, tempDir } from '../helpers.js';

const bin = path.join(projectRoot, 'bin/perfsuite.js');

/** Why this machine cannot listen on ::1 (no IPv6 loopback, IPv6 disabled), or undefined when it can. */
async function ipv6LoopbackUnavailable(): Promise<string | undefined> {
  const server = createServer();
  try {
    server.listen(0, '::1');
    await once(server, 'listening');
    return undefined;
  } catch (error) {
    return `cannot listen on ::1 (${(error as Error).message})`;
  } finally {
    server.close();
  }
}

const unavailable = await ipv6LoopbackUnavailable();

/** netserver processes still started with this port. */
function netserversOnPort(port: number): number[] {
  const found = spawnSync('pgrep', ['-f', `^netserver .*-p ${port}( |$)`], { encoding: 'utf8' }).stdout.trim();
  return found === ''
    ? []
    : found
        .split('\n')
        .map(Number)
        .filter((pid) => isRunning(pid));
}

describe.skipIf(unavailable !== undefined)(
  `ip_version: 6 on the managed local netserver${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it('plans a second listener on [::1] beside the IPv4 one', () => {
      const plan = spawnSync(process.execPath, [bin, 'plan', 'test/fixtures/suites/valid/ipv6.yml'], {
        cwd: projectRoot,
        encoding: 'utf8',
        env: { PATH: process.env['PATH'] ?? '' },
      });
      expect(plan.status).toBe(0);
      expect(plan.stdout).toContain('server ipv6/local/ipv6 (local) [::1]:{port}: netserver -D -L ::1 -p {port} -6');
      expect(plan.stdout).toContain('server ipv6/local (local) 127.0.0.1:{port}: netserver -D -L 127.0.0.1 -p {port}');
    });

    it('measures over ::1 with netperf -6 beside an IPv4 case of the same server, then stops both netservers', () => {
      const out = tempDir('ipv6');
      const result = spawnSync(process.execPath, [bin, 'run', 'test/fixtures/suites/valid/ipv6.yml', '--out', out, '--reporter', 'junit'], {
        cwd: projectRoot,
        encoding: 'utf8',
        env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', CI: '1' },
      });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResult;
      const cases = results.suites[0]?.cases ?? [];
      expect(cases.map((c) => [c.id, c.status])).toEqual([
        ['ipv6/v6[test=TCP_STREAM]', 'pass'],
        ['ipv6/v6[test=TCP_RR]', 'pass'],
        ['ipv6/v4', 'pass'],
      ]);
      const [stream, rr, v4] = cases;
      // the value after -H, and whether -6 (or -4) is among netperf's global options (before --)
      const target = (argv: readonly string[]) => ({ host: argv[argv.indexOf('-H') + 1], global: argv.slice(0, argv.indexOf('--')) });
      for (const c of [stream, rr]) {
        const { host, global } = target(c?.netperf[0]?.argv ?? []);
        expect(host).toBe('::1');
        expect(global).toContain('-6');
      }
      expect(target(v4?.netperf[0]?.argv ?? []).host).toBe('127.0.0.1');
      expect(target(v4?.netperf[0]?.argv ?? []).global).toContain('-4');
      expect(stream?.metrics.throughput).toBeGreaterThan(0);
      expect(rr?.metrics.transaction_rate).toBeGreaterThan(0);
      expect(v4?.metrics.throughput).toBeGreaterThan(0);
      // one local server, two listeners: IPv6 on ::1 and IPv4 on 127.0.0.1, both started by this run and both gone
      expect(results.servers.map((s) => [s.key, s.host]).sort()).toEqual([
        ['ipv6/local', '127.0.0.1'],
        ['ipv6/local/ipv6', '::1'],
      ]);
      for (const server of results.servers) {
        expect(server.pid).toBeGreaterThan(1);
        expect(isRunning(server.pid ?? -1)).toBe(false);
        expect(netserversOnPort(server.port)).toEqual([]);
      }
    });
  },
);
