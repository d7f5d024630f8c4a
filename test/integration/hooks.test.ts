// @module-tag slow
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { netnsUnavailable } from '../../src/exec/netns-link.js';
import type { RunResult } from '../../src/model/results.js';
import { isRunning, projectRoot, tempDir, waitUntil } from '../helpers.js';

const bin = path.join(projectRoot, 'bin/perfsuite.js');
const unavailable = await netnsUnavailable();

/** A directory holding one suite file; hooks run in it and leave their marker files there. */
function suiteDir(yaml: string): { dir: string; suite: string; out: string; read: (name: string) => string; has: (name: string) => boolean } {
  const dir = tempDir('hooks');
  const suite = path.join(dir, 'suite.yml');
  writeFileSync(suite, yaml);
  return {
    dir,
    suite,
    out: path.join(dir, 'out'),
    read: (name) => readFileSync(path.join(dir, name), 'utf8'),
    has: (name) => existsSync(path.join(dir, name)),
  };
}

/** `perfsuite run` in this process, as the bin would run it. */
async function run(suite: string, out: string) {
  let stdout = '';
  let stderr = '';
  const status = await main(['node', 'perfsuite', 'run', suite, '--out', out], {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    cwd: projectRoot,
    env: { ...process.env, NO_COLOR: '1', CI: '1' },
    isTTY: false,
  });
  if (!existsSync(path.join(out, 'results.json'))) throw new Error(`no results.json (exit ${status}): ${stderr}`);
  return { status, stdout, stderr, results: JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResult };
}

const namespaceExists = (name: string): boolean =>
  spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .stdout.split('\n')
    .some((line) => line.split(' ')[0] === name);
/** Namespaces a perfsuite with this pid made and left. */
const namespacesOf = (pid: number): string[] =>
  spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(`perfsuite-${pid}-`));
const pidsIn = (namespace: string): number[] =>
  spawnSync('ip', ['netns', 'pids', namespace], { encoding: 'utf8' })
    .stdout.split(/\s+/)
    .filter((pid) => /^\d+$/.test(pid))
    .map(Number);
/** `KEY=value` lines as an object. */
const parseEnv = (text: string): Record<string, string> =>
  Object.fromEntries(
    text
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );

/** Records the PERFSUITE_* environment a hook saw into `file` (a test fixture may use a shell; perfsuite never does). */
const recordEnv = (file: string): string => `[sh, -c, 'env | grep ^PERFSUITE_ | sort > ${file}']`;
const hostRmem = readFileSync('/proc/sys/net/ipv4/tcp_rmem', 'utf8').trim().split(/\s+/);
// a default receive buffer this host does not use, so the netserver's socket shows where the setting took effect
const armRmemDefault = hostRmem[1] === '200000' ? '300000' : '200000';

describe.skipIf(unavailable !== undefined)(
  `setup and teardown commands of servers${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  { tags: ['root'] },
  () => {
    it('runs setup inside the namespace before the first case and teardown before the namespace goes, with the server in the environment', async () => {
      // $${…}: the suite loader fills ${NAME} from --var and the environment; $${ keeps ${PERFSUITE_…} for run time
      const { suite, out, read } = suiteDir(`version: 1
name: hooks-netns
servers:
  arm:
    type: netns
    setup:
      - ${recordEnv('setup-env.txt')}
      - { in: namespace, run: [sysctl, -w, "net.ipv4.tcp_rmem=4096 ${armRmemDefault} 6291456"] }
      - { in: namespace, run: [sh, -c, 'ip -o link show "$1" > setup-netns-if.txt', sh, "$\${PERFSUITE_NETNS_IF}"] }
    teardown:
      - [sh, -c, 'echo "$1" > teardown-first.txt', sh, "$\${PERFSUITE_SERVER}@$\${PERFSUITE_SERVER_HOST}:$\${PERFSUITE_CONTROL_PORT}"]
      - { in: namespace, run: [sh, -c, 'ss -Hltn "sport = :$PERFSUITE_CONTROL_PORT" > teardown-listening.txt'] }
tests:
  - name: rr
    server: arm
    test: TCP_RR
    duration: 1s
`);
      const { status, stderr, results } = await run(suite, out);
      expect(stderr).toBe('');
      expect(status).toBe(0);
      const [rr] = results.suites[0]?.cases ?? [];
      expect(rr?.status).toBe('pass');
      // the sysctl was set in the namespace before the case: netserver's socket there got the new default, netperf's here did not
      const keyvals = parseEnv(rr?.netperf[0]?.stdout ?? '');
      expect(keyvals['RSR_SIZE_END']).toBe(armRmemDefault);
      // (netperf's side may be autotuned upward from the host default; it never starts from the namespace's)
      expect(keyvals['LSR_SIZE_END']).not.toBe(armRmemDefault);

      const server = results.servers[0];
      const env = parseEnv(read('setup-env.txt'));
      expect(Object.keys(env)).toEqual([
        'PERFSUITE_CONTROL_PORT',
        'PERFSUITE_HOST_IF',
        'PERFSUITE_NETNS',
        'PERFSUITE_NETNS_IF',
        'PERFSUITE_SERVER',
        'PERFSUITE_SERVER_HOST',
      ]);
      expect(env).toMatchObject({ PERFSUITE_SERVER: 'arm', PERFSUITE_SERVER_HOST: server?.host, PERFSUITE_CONTROL_PORT: '12865' });
      expect(env['PERFSUITE_NETNS']).toMatch(new RegExp(`^perfsuite-${process.pid}-\\d+$`));
      expect(env['PERFSUITE_HOST_IF']).toMatch(/^ps\d+h\d+$/);
      expect(env['PERFSUITE_NETNS_IF']).toMatch(/^ps\d+p\d+$/);
      expect(env['PERFSUITE_SERVER_HOST']).toMatch(/^10\.213\.\d+\.\d+$/);
      // the namespace-side interface is there inside the namespace, under the name given
      expect(read('setup-netns-if.txt')).toContain(`: ${env['PERFSUITE_NETNS_IF']}@`);
      // teardown ran, its argv filled, while netserver still listened in the namespace
      expect(read('teardown-first.txt')).toBe(`arm@${server?.host}:12865\n`);
      expect(read('teardown-listening.txt')).toMatch(/LISTEN .*:12865/);
      expect(isRunning(server?.pid ?? -1)).toBe(false);
      expect(namespaceExists(env['PERFSUITE_NETNS'] ?? '')).toBe(false);
      expect(namespacesOf(process.pid)).toEqual([]);
    });

    it('makes the cases of a server whose setup fails errors, runs the other server’s cases (which fail), and still tears both down', async () => {
      const { suite, out, read } = suiteDir(`version: 1
name: hooks-two
servers:
  broken:
    type: netns
    setup:
      - ${recordEnv('broken-setup.txt')}
      - ["false"]
      - ${recordEnv('never.txt')}
    teardown:
      - { in: namespace, run: [sh, -c, 'echo "$PERFSUITE_NETNS" > broken-teardown.txt'] }
  fine:
    type: local
    teardown:
      - ${recordEnv('fine-teardown.txt')}
tests:
  - name: rr
    matrix:
      server: [broken, fine]
      test: [TCP_RR, TCP_CRR]
    duration: 1s
    thresholds:
      transaction_rate: ">= 1M/s"
`);
      const { status, results, stdout, stderr } = await run(suite, out);
      expect(stderr).toBe('');
      expect(status).toBe(3);
      const cases = results.suites[0]?.cases ?? [];
      expect(cases.map((c) => [c.server, c.params.test, c.status])).toEqual([
        ['broken', 'TCP_RR', 'error'],
        ['broken', 'TCP_CRR', 'error'],
        ['fine', 'TCP_RR', 'fail'],
        ['fine', 'TCP_CRR', 'fail'],
      ]);
      for (const c of cases.slice(0, 2)) {
        expect(c.error?.kind).toBe('setup-failed');
        expect(c.error?.message).toBe(`setup of hooks-two/broken failed: \`false\` (${suite}:8) exited with status 1`);
      }
      expect(stdout).toContain('setup-failed: setup of hooks-two/broken failed: `false`');
      // setup stopped at the failure; teardown still ran, inside the namespace, before it was removed
      const namespace = parseEnv(read('broken-setup.txt'))['PERFSUITE_NETNS'] ?? '';
      expect(namespace).toMatch(/^perfsuite-/);
      expect(() => read('never.txt')).toThrow(/ENOENT/);
      expect(read('broken-teardown.txt')).toBe(`${namespace}\n`);
      // the fine server's cases failed their threshold: its teardown ran all the same
      expect(parseEnv(read('fine-teardown.txt'))['PERFSUITE_SERVER']).toBe('fine');
      expect(namespaceExists(namespace)).toBe(false);
      for (const server of results.servers) expect(isRunning(server.pid ?? -1)).toBe(false);
    });

    it('runs teardown after Ctrl-C, and leaves nothing behind', async () => {
      const { suite, out, read, has } = suiteDir(`version: 1
name: hooks-interrupted
servers:
  arm:
    type: netns
    setup:
      - ${recordEnv('setup-env.txt')}
    teardown:
      - { in: namespace, run: [sh, -c, 'echo "$PERFSUITE_NETNS" > teardown.txt'] }
tests:
  - name: bulk
    server: arm
    test: TCP_STREAM
    duration: 60s
  - name: never
    server: arm
    test: TCP_RR
    duration: 1s
`);
      const child = spawn(process.execPath, [bin, 'run', suite, '--out', out], {
        cwd: projectRoot,
        env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', CI: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (text: string) => void (stderr += text));
      try {
        await waitUntil(() => has('setup-env.txt') && read('setup-env.txt').includes('PERFSUITE_NETNS='), 10_000, 'setup did not run');
        const namespace = parseEnv(read('setup-env.txt'))['PERFSUITE_NETNS'] ?? '';
        expect(namespace).toBe(`perfsuite-${child.pid ?? -1}-0`);
        // netserver forks a child per test: two processes in the namespace mean the first case is measuring
        await waitUntil(() => pidsIn(namespace).length >= 2, 10_000, 'the first case did not start');
        const inside = pidsIn(namespace);
        child.kill('SIGINT');
        const [code] = await exited;
        expect(stderr).toBe('');
        expect(code).toBe(130);
        expect(read('teardown.txt')).toBe(`${namespace}\n`);
        const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResult;
        expect(results.state).toBe('interrupted');
        expect(namespaceExists(namespace)).toBe(false);
        for (const pid of inside) expect(isRunning(pid)).toBe(false);
      } finally {
        child.kill('SIGKILL');
      }
    });
  },
);

describe('what setup and teardown commands printed', () => {
  it('is kept in results.json and shown with a failure: in the case error, on the console and in report.md', async () => {
    const { suite, out } = suiteDir(`version: 1
name: hooks-output
servers:
  here:
    type: local
    setup:
      - [sh, -c, 'echo hello; echo oops >&2; exit 3']
    teardown:
      - [sh, -c, 'echo undoing; echo cannot undo >&2; exit 2']
tests:
  - name: rr
    server: here
    test: TCP_RR
    duration: 1s
`);
    const { status, stdout, stderr, results } = await run(suite, out);
    expect(status).toBe(3);
    // stdout and stderr are two pipes: either may arrive first
    const both = (a: string, b: string): string => `(${a}\n${b}|${b}\n${a})`;
    const [rr] = results.suites[0]?.cases ?? [];
    expect(rr?.error?.kind).toBe('setup-failed');
    expect(rr?.error?.message).toMatch(
      new RegExp(
        `^setup of hooks-output/here failed: \`sh -c 'echo hello; echo oops >&2; exit 3'\` \\(${suite}:7\\) exited with status 3; output: ${both('hello', 'oops')}$`,
      ),
    );
    // the console keeps a case to one line: the output's lines joined by ' / '
    expect(stdout).toMatch(
      new RegExp(`setup-failed: setup of hooks-output/here failed: .* exited with status 3; output: ${both('hello', 'oops').replaceAll('\n', ' / ')}`),
    );
    expect(stderr).toMatch(
      new RegExp(
        `^perfsuite: warning: teardown of hooks-output/here failed: .*\\(${suite}:9\\) exited with status 2; output: ${both('undoing', 'cannot undo')}\n$`,
      ),
    );
    expect(readFileSync(path.join(out, 'report.md'), 'utf8')).toMatch(
      new RegExp(`exited with status 3; output: ${both('hello', 'oops').replaceAll('\n', ' ')}`),
    );
    expect(results.servers).toEqual([
      {
        key: 'hooks-output/here',
        host: '127.0.0.1',
        port: expect.any(Number) as number,
        pid: expect.any(Number) as number,
        hooks: [
          {
            stage: 'setup',
            argv: ['sh', '-c', 'echo hello; echo oops >&2; exit 3'],
            file: suite,
            line: 7,
            exitCode: 3,
            durationSeconds: expect.any(Number) as number,
            output: expect.stringMatching(new RegExp(`^${both('hello', 'oops')}\n$`)) as string,
          },
          {
            stage: 'teardown',
            argv: ['sh', '-c', 'echo undoing; echo cannot undo >&2; exit 2'],
            file: suite,
            line: 9,
            exitCode: 2,
            durationSeconds: expect.any(Number) as number,
            output: expect.stringMatching(new RegExp(`^${both('undoing', 'cannot undo')}\n$`)) as string,
          },
        ],
      },
    ]);
  });
});

describe('perfsuite doctor with setup and teardown commands', () => {
  it('lists each command with its line, and names the server and line of one whose program is missing', async () => {
    const { dir, suite } = suiteDir(`version: 1
name: hooks-doctor
servers:
  arm:
    type: netns
    setup:
      - { in: namespace, run: [sysctl, -w, "net.ipv4.tcp_rmem=4096 131072 6291456"] }
      - [./ci/setup.sh, "$\${PERFSUITE_NETNS_IF}"]
    teardown:
      - [perfsuite-no-such-program]
tests:
  - { name: a, server: arm, test: TCP_RR }
`);
    mkdirSync(path.join(dir, 'ci'));
    writeFileSync(path.join(dir, 'ci/setup.sh'), '#!/bin/sh\n', { mode: 0o755 });
    let stdout = '';
    const status = await main(['node', 'perfsuite', 'doctor', suite], {
      stdout: (text) => void (stdout += text),
      stderr: () => undefined,
      cwd: projectRoot,
      env: process.env,
      isTTY: false,
    });
    expect(status).toBe(3);
    const hookLines = stdout.split('\n').filter((line) => / (setup|teardown) `/.test(line));
    expect(hookLines).toEqual([
      `✓ hooks-doctor/arm: setup \`sysctl -w 'net.ipv4.tcp_rmem=4096 131072 6291456'\` in namespace (${suite}:7): ${spawnSync('sh', ['-c', 'command -v sysctl'], { encoding: 'utf8' }).stdout.trim()} is there`,
      `✓ hooks-doctor/arm: setup \`./ci/setup.sh '\${PERFSUITE_NETNS_IF}'\` (${suite}:8): ${dir}/ci/setup.sh is there`,
      `✗ hooks-doctor/arm: teardown \`perfsuite-no-such-program\` (${suite}:10): perfsuite-no-such-program is not found on PATH; install it, or give its path`,
    ]);
  });
});
