import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { shellQuote } from '../../src/model/shell-quote.js';
import {
  fillHookArgv,
  formatHook,
  hookEnvironment,
  hookProgramProblem,
  runSetup,
  lastBytes,
  runTeardown,
  SetupFailed,
  type HookServer,
} from '../../src/exec/server-hooks.js';
import { createServerPool } from '../../src/exec/server-pool.js';
import { HOOK_OUTPUT_BYTES, type HookRecord } from '../../src/model/results.js';
import { ServerUnavailable } from '../../src/model/seams.js';
import type { HookSpec } from '../../src/model/suite-types.js';
import { unknownHookVariables } from '../../src/model/hook-variables.js';
import { netnsHookVariables } from '../../src/servers/netns-planner.js';
import { hookVariableNames } from '../../src/servers/planners.js';
import type { PlannedServer } from '../../src/servers/server-planner.js';
import { isRunning, tempDir, waitUntil } from '../helpers.js';

/** A directory standing for the suite's: hooks run in it, and their files land in it. */
function suiteDir(): { dir: string; file: string; read: (name: string) => string } {
  const dir = tempDir('hooks');
  return { dir, file: path.join(dir, 'suite.yml'), read: (name) => readFileSync(path.join(dir, name), 'utf8') };
}

/** A hook written on `line` of `file`. */
const hook = (file: string, line: number, argv: readonly string[], inNamespace = false): HookSpec => ({ argv, inNamespace, loc: { file, line, col: 9 } });
/** A hook that appends `word` to order.log in the suite's directory (its cwd). */
const append = (file: string, line: number, word: string): HookSpec => hook(file, line, ['sh', '-c', `echo ${word} >> order.log`]);

const local: HookServer = { key: 'suite/local', name: 'local', host: '127.0.0.1', controlPort: 40123 };
const netns: HookServer = {
  key: 'suite/arm',
  name: 'arm',
  host: '10.213.0.2',
  controlPort: 12865,
  variables: netnsHookVariables({ namespace: 'perfsuite-1-0', hostInterface: 'ps1h0', peerInterface: 'ps1p0' }),
  namespaceExec: ['ip', 'netns', 'exec', 'perfsuite-1-0'],
};

describe('server hooks: environment and ${PERFSUITE_*}', () => {
  it('describes the server in PERFSUITE_* variables, the namespace ones only for netns servers', () => {
    expect(hookEnvironment(local)).toEqual({ PERFSUITE_SERVER: 'local', PERFSUITE_SERVER_HOST: '127.0.0.1', PERFSUITE_CONTROL_PORT: '40123' });
    expect(hookEnvironment(netns)).toEqual({
      PERFSUITE_SERVER: 'arm',
      PERFSUITE_SERVER_HOST: '10.213.0.2',
      PERFSUITE_CONTROL_PORT: '12865',
      PERFSUITE_NETNS: 'perfsuite-1-0',
      PERFSUITE_HOST_IF: 'ps1h0',
      PERFSUITE_NETNS_IF: 'ps1p0',
    });
    expect(hookVariableNames('netns')).toEqual(Object.keys(hookEnvironment(netns)));
    expect(hookVariableNames('ssh')).toEqual(Object.keys(hookEnvironment(local)));
  });

  it('fills every ${PERFSUITE_*} in every argv element and leaves other text alone', () => {
    expect(
      fillHookArgv(
        ['tc', 'qdisc', 'add', 'dev', '${PERFSUITE_HOST_IF}', 'x${PERFSUITE_SERVER}:${PERFSUITE_CONTROL_PORT}y', '$HOME', '${OTHER}'],
        hookEnvironment(netns),
      ),
    ).toEqual(['tc', 'qdisc', 'add', 'dev', 'ps1h0', 'xarm:12865y', '$HOME', '${OTHER}']);
  });

  it('refuses an unknown ${PERFSUITE_*} name, naming the ones there are', () => {
    expect(() => fillHookArgv(['echo', '${PERFSUITE_NETNS}'], hookEnvironment(local))).toThrow(
      '${PERFSUITE_NETNS} is not a variable of this server; it has ${PERFSUITE_SERVER}, ${PERFSUITE_SERVER_HOST}, ${PERFSUITE_CONTROL_PORT}',
    );
    expect(
      unknownHookVariables(['${PERFSUITE_NETNS_IF}', '${PERFSUITE_TYPO}${PERFSUITE_NETNS_IF}', '${PERFSUITE_SERVER}'], hookVariableNames('local')),
    ).toEqual(['PERFSUITE_NETNS_IF', 'PERFSUITE_TYPO']);
  });

  it('displays argv quoted for a shell reader, marking commands run in the namespace', () => {
    expect(formatHook({ argv: ['sysctl', '-w', 'net.ipv4.tcp_rmem=4096 131072 6291456'], inNamespace: true })).toBe(
      "`sysctl -w 'net.ipv4.tcp_rmem=4096 131072 6291456'` in namespace",
    );
    expect(formatHook({ argv: ['./ci/undo.sh', '${PERFSUITE_SERVER}', "it's"], inNamespace: false })).toBe(
      `\`./ci/undo.sh '\${PERFSUITE_SERVER}' 'it'\\''s'\``,
    );
    expect(shellQuote('')).toBe("''");
  });
});

describe('server hooks: running them', () => {
  it('runs setup in order and teardown in reverse order, each in the suite file’s directory', async () => {
    const { file, read } = suiteDir();
    await runSetup([append(file, 7, 'setup-1'), append(file, 8, 'setup-2'), append(file, 9, 'setup-3')], local);
    expect(await runTeardown([append(file, 11, 'teardown-1'), append(file, 12, 'teardown-2'), append(file, 13, 'teardown-3')], local)).toEqual([]);
    expect(read('order.log')).toBe('setup-1\nsetup-2\nsetup-3\nteardown-3\nteardown-2\nteardown-1\n');
  });

  it('finds a program given relative to the suite file, whatever perfsuite’s own cwd is', async () => {
    const { dir, file, read } = suiteDir();
    mkdirSync(path.join(dir, 'ci'));
    writeFileSync(path.join(dir, 'ci/setup.sh'), '#!/bin/sh\npwd > cwd.txt\n', { mode: 0o755 });
    // the suite named by a path relative to the CLI's cwd, as `perfsuite run ci/suite.yml` would
    const relative = hook(path.relative(path.dirname(dir), file), 3, ['./ci/setup.sh']);
    await runSetup([relative], local, { baseDir: path.dirname(dir) });
    expect(read('cwd.txt').trim()).toBe(dir);
  });

  it('gives each command the PERFSUITE_* environment on top of perfsuite’s own, and fills its argv', async () => {
    const { file, read } = suiteDir();
    const record = hook(file, 5, [
      'sh',
      '-c',
      'env | grep -E "^(PERFSUITE_|PATH=)" | sort > env.txt; printf "%s\\n" "$@" > argv.txt',
      'sh',
      '${PERFSUITE_NETNS}/${PERFSUITE_NETNS_IF}',
      'port ${PERFSUITE_CONTROL_PORT}',
    ]);
    await runSetup([record], netns);
    expect(read('env.txt').split('\n')).toEqual([
      `PATH=${process.env['PATH'] ?? ''}`,
      'PERFSUITE_CONTROL_PORT=12865',
      'PERFSUITE_HOST_IF=ps1h0',
      'PERFSUITE_NETNS=perfsuite-1-0',
      'PERFSUITE_NETNS_IF=ps1p0',
      'PERFSUITE_SERVER=arm',
      'PERFSUITE_SERVER_HOST=10.213.0.2',
      '',
    ]);
    expect(read('argv.txt')).toBe('perfsuite-1-0/ps1p0\nport 12865\n');
  });

  it('stops setup at the first failing command, naming the command, its line, the exit status and the end of its stderr', async () => {
    const { dir, file } = suiteDir();
    const failing = hook(file, 8, [
      'sh',
      '-c',
      'for i in $(seq 1 500); do echo "noise line $i" >&2; done; echo "sysctl: permission denied on key" >&2; exit 4',
      'sh',
      'with space',
    ]);
    const error = await runSetup([append(file, 7, 'first'), failing, append(file, 9, 'never')], local).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(SetupFailed);
    const { message } = error as SetupFailed;
    expect(message).toMatch(/^setup of suite\/local failed: `sh -c 'for i in .*' sh 'with space'` \(\/.*\/suite\.yml:8\) exited with status 4; stderr: /);
    expect(message).toContain(`(${file}:8)`);
    expect(message).toMatch(/noise line 500\nsysctl: permission denied on key$/);
    // the end of stderr, not all of it
    expect(message).not.toContain('noise line 1\n');
    expect(message.length).toBeLessThan(2_600);
    expect(readFileSync(path.join(dir, 'order.log'), 'utf8')).toBe('first\n');
  });

  it('says which program is missing instead of running it', async () => {
    const { file } = suiteDir();
    await expect(runSetup([hook(file, 4, ['./ci/missing.sh', '--now'])], local)).rejects.toThrow(
      `setup of suite/local failed: \`./ci/missing.sh --now\` (${file}:4) could not be run: ./ci/missing.sh is not an executable file (relative to ${path.dirname(file)}, the suite's directory)`,
    );
    await expect(runSetup([hook(file, 5, ['perfsuite-no-such-program'])], local)).rejects.toThrow(
      /`perfsuite-no-such-program` \(.*:5\) could not be run: perfsuite-no-such-program is not found on PATH/,
    );
    await expect(runSetup([hook(file, 6, ['echo', '${PERFSUITE_NETNS_IF}'])], local)).rejects.toThrow(
      /\(.*:6\) could not be run: \$\{PERFSUITE_NETNS_IF\} is not a variable of this server/,
    );
    expect(hookProgramProblem(hook(file, 4, ['./ci/missing.sh']))).toMatch(/is not an executable file/);
    expect(hookProgramProblem(hook(file, 4, ['sysctl']))).toBeUndefined();
  });

  it('kills a command past its timeout, with what it started', async () => {
    const { file, read } = suiteDir();
    const hanging = hook(file, 6, ['sh', '-c', 'sleep 1000 & echo $! > child.pid; wait']);
    await expect(runSetup([hanging], local, { timeoutMs: 500 })).rejects.toThrow(/`sh -c .*` \(.*:6\) did not finish within 0\.5 s and was killed$/);
    const child = Number(read('child.pid'));
    expect(child).toBeGreaterThan(0);
    await waitUntil(() => !isRunning(child), 2_000, 'the child of a timed-out setup command still runs');
  });

  it('records each command with how it ended and its output, and shows stdout and stderr both when a setup command fails', async () => {
    const { file } = suiteDir();
    const records: HookRecord[] = [];
    const failing = hook(file, 8, ['sh', '-c', 'echo hello; echo oops >&2; exit 3']);
    const error = await runSetup([hook(file, 7, ['echo', 'port', '${PERFSUITE_CONTROL_PORT}']), failing, append(file, 9, 'never')], local, {
      record: (r) => void records.push(r),
    }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(SetupFailed);
    // what it printed on stdout leads to its error: both are in the message (stdout and stderr are two pipes, so their order is not asserted)
    expect((error as SetupFailed).message).toMatch(
      new RegExp(
        `^setup of suite/local failed: \`sh -c 'echo hello; echo oops >&2; exit 3'\` \\(${file}:8\\) exited with status 3; output: (hello\noops|oops\nhello)$`,
      ),
    );
    expect(records).toEqual([
      { stage: 'setup', argv: ['echo', 'port', '40123'], file, line: 7, exitCode: 0, durationSeconds: expect.any(Number) as number, output: 'port 40123\n' },
      {
        stage: 'setup',
        argv: failing.argv,
        file,
        line: 8,
        exitCode: 3,
        durationSeconds: expect.any(Number) as number,
        output: expect.stringMatching(/^(hello\noops|oops\nhello)\n$/) as string,
      },
    ]);

    const teardown: HookRecord[] = [];
    await runTeardown([hook(file, 12, ['perfsuite-no-such-program']), hook(file, 13, ['echo', 'undone'])], netns, { record: (r) => void teardown.push(r) });
    expect(teardown).toEqual([
      { stage: 'teardown', argv: ['echo', 'undone'], file, line: 13, exitCode: 0, durationSeconds: expect.any(Number) as number, output: 'undone\n' },
      {
        stage: 'teardown',
        argv: ['perfsuite-no-such-program'],
        file,
        line: 12,
        exitCode: null,
        problem: 'perfsuite-no-such-program is not found on PATH; install it, or give its path',
        durationSeconds: 0,
        output: '',
      },
    ]);
  });

  it('keeps only the last 4 KiB of a command’s output, and marks it cut', async () => {
    const { file } = suiteDir();
    const records: HookRecord[] = [];
    const chatty = hook(file, 4, ['sh', '-c', 'i=0; while [ $i -lt 1000 ]; do echo "line $i"; i=$((i+1)); done; echo "the end: ü"']);
    await runSetup([chatty], local, { record: (r) => void records.push(r) });
    const [record] = records;
    expect(record?.truncated).toBe(true);
    expect(Buffer.byteLength(record?.output ?? '')).toBeLessThanOrEqual(HOOK_OUTPUT_BYTES);
    expect(Buffer.byteLength(record?.output ?? '')).toBeGreaterThan(HOOK_OUTPUT_BYTES - 16);
    expect(record?.output).toMatch(/\nline 999\nthe end: ü\n$/);
    expect(record?.output).not.toContain('line 0\n');
    // a cut never starts inside a character
    expect(lastBytes('aüb', 3)).toEqual({ text: 'üb', truncated: true });
    expect(lastBytes('aüb', 2)).toEqual({ text: 'b', truncated: true });
    expect(lastBytes('aüb', 4)).toEqual({ text: 'aüb', truncated: false });
  });

  it('runs every teardown command even after one fails, returning each failure as a warning', async () => {
    const { file, read } = suiteDir();
    const warnings = await runTeardown(
      [append(file, 11, 'teardown-1'), hook(file, 12, ['sh', '-c', 'echo cannot undo >&2; exit 2']), append(file, 13, 'teardown-3'), hook(file, 14, ['false'])],
      local,
    );
    expect(read('order.log')).toBe('teardown-3\nteardown-1\n');
    expect(warnings).toEqual([
      `teardown of suite/local failed: \`false\` (${file}:14) exited with status 1`,
      `teardown of suite/local failed: \`sh -c 'echo cannot undo >&2; exit 2'\` (${file}:12) exited with status 2; stderr: cannot undo`,
    ]);
  });
});

/** An external server: a listener in this process, so the pool brings it up without starting anything. */
async function externalServer(setup: readonly HookSpec[], teardown: readonly HookSpec[], name = 'lab'): Promise<{ server: PlannedServer; close: () => void }> {
  const listener = net.createServer((socket) => socket.destroy());
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const { port } = listener.address() as net.AddressInfo;
  return {
    server: {
      key: `suite/${name}`,
      suite: 'suite',
      name,
      type: 'external',
      spec: { type: 'external', host: '127.0.0.1', control_port: port },
      host: '127.0.0.1',
      controlPort: port,
      netserver: undefined,
      setup,
      teardown,
    },
    close: () => void listener.close(),
  };
}

describe('the server pool runs the hooks', () => {
  it('runs setup once, before the first acquire resolves, and teardown in stopAll (once, however often it is called)', async () => {
    const { file, read } = suiteDir();
    const { server, close } = await externalServer(
      [append(file, 3, 'setup')],
      [hook(file, 5, ['sh', '-c', 'echo "teardown $PERFSUITE_SERVER $PERFSUITE_CONTROL_PORT" >> order.log'])],
    );
    try {
      const pool = createServerPool([server]);
      const address = await pool.acquire(server.key);
      expect(read('order.log')).toBe('setup\n');
      await pool.acquire(server.key);
      await pool.recover(server.key);
      await Promise.all([pool.stopAll(), pool.stopAll()]);
      await pool.stopAll();
      expect(read('order.log')).toBe(`setup\nteardown lab ${address.port}\n`);
      expect(pool.teardownWarnings()).toEqual([]);
      // results.json's server entry keeps both commands as they ran
      expect(pool.describe()).toEqual([
        {
          key: 'suite/lab',
          host: '127.0.0.1',
          port: address.port,
          hooks: [
            {
              stage: 'setup',
              argv: ['sh', '-c', 'echo setup >> order.log'],
              file,
              line: 3,
              exitCode: 0,
              durationSeconds: expect.any(Number) as number,
              output: '',
            },
            { stage: 'teardown', argv: server.teardown[0]?.argv, file, line: 5, exitCode: 0, durationSeconds: expect.any(Number) as number, output: '' },
          ],
          // read once, after the setup: an external server's far end is not perfsuite's to read, this host's side is
          facts: { local: { sysctls: expect.any(Object) as object, interface: expect.objectContaining({ name: 'lo' }) as object } },
        },
      ]);
    } finally {
      close();
    }
  });

  it('makes every acquire of a server whose setup failed a setup-failed error, leaves the others alone, and still tears it down', async () => {
    const { file, read } = suiteDir();
    const broken = await externalServer(
      [append(file, 3, 'broken-setup'), hook(file, 4, ['false']), append(file, 5, 'never')],
      [append(file, 7, 'broken-teardown'), hook(file, 8, ['false'])],
      'broken',
    );
    const fine = await externalServer([append(file, 11, 'fine-setup')], [append(file, 13, 'fine-teardown')], 'fine');
    try {
      const pool = createServerPool([broken.server, fine.server]);
      for (let i = 0; i < 2; i++) {
        const failure = await pool.acquire(broken.server.key).catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(ServerUnavailable);
        expect((failure as ServerUnavailable).failure).toEqual({
          kind: 'setup-failed',
          message: `setup of suite/broken failed: \`false\` (${file}:4) exited with status 1`,
        });
      }
      await expect(pool.acquire(fine.server.key)).resolves.toMatchObject({ host: '127.0.0.1', port: fine.server.controlPort });
      await pool.stopAll();
      // teardown: the last server set up first, each server's commands in reverse
      expect(read('order.log')).toBe('broken-setup\nfine-setup\nfine-teardown\nbroken-teardown\n');
      expect(pool.teardownWarnings()).toEqual([`teardown of suite/broken failed: \`false\` (${file}:8) exited with status 1`]);
    } finally {
      broken.close();
      fine.close();
    }
  });

  it('runs no teardown for a server that never came up', async () => {
    const { dir, file } = suiteDir();
    const { server, close } = await externalServer([append(file, 3, 'setup')], [append(file, 5, 'teardown')]);
    close();
    const pool = createServerPool([server]);
    await expect(pool.acquire(server.key)).rejects.toMatchObject({ failure: { kind: 'no-netserver' } });
    await pool.stopAll();
    expect(existsSync(path.join(dir, 'order.log'))).toBe(false);
  });
});
