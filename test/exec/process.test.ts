import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it, vi } from 'vitest';
import { freePort, probeDelayMs, runChecked, runProcess, startProcess, waitForListener } from '../../src/exec/process.js';
import { quoteForRemoteShell } from '../../src/model/shell-quote.js';
import { isRunning, projectRoot, waitUntil } from '../helpers.js';

const programs = path.join(projectRoot, 'test/fixtures/programs');

describe('the process lifecycle module', () => {
  it('kills the whole process group on timeout and keeps the outcome', async () => {
    const result = await runProcess([process.execPath, path.join(programs, 'fork-and-hang.mjs')], { timeoutMs: 1_000 });
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe('SIGTERM');
    expect(result.exitCode).toBeUndefined();
    const child = Number(/child (\d+)/.exec(result.stdout)?.[1]);
    expect(child).toBeGreaterThan(0);
    // the forked child was in the group: it is gone too
    await waitUntil(() => !isRunning(child), 2_000, 'the forked child outlived the timeout');
  });

  it('kills on abort, without calling it a timeout', async () => {
    const controller = new AbortController();
    const running = runProcess(['sleep', '1000'], { timeoutMs: 60_000, signal: controller.signal });
    controller.abort();
    const result = await running;
    expect(result.timedOut).toBe(false);
    expect(result.signal).toBe('SIGTERM');
  });

  it('reports a program that is not installed as ENOENT instead of throwing, and runChecked names it', async () => {
    const result = await runProcess(['perfsuite-no-such-program', '-V'], { timeoutMs: 5_000 });
    expect(result.errorCode).toBe('ENOENT');
    await expect(runChecked(['perfsuite-no-such-program'], { timeoutMs: 5_000 })).rejects.toMatchObject({ code: 'ENOENT' });
    expect(() => startProcess(['perfsuite-no-such-program'])).toThrow(/not installed/);
  });

  it('runChecked throws with the command, its exit status and what it printed', async () => {
    await expect(runChecked(['sh', '-c', 'echo bad thing >&2; exit 3'], { timeoutMs: 5_000 })).rejects.toThrow(/^sh -c .* exited with 3: bad thing$/);
  });

  it('ties started processes to perfsuite: they die when it is SIGKILLed', { tags: ['dist'] }, async () => {
    const parent = spawn(process.execPath, [path.join(programs, 'start-and-hang.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: parent.stdout })[Symbol.asyncIterator]();
    const sleeper = Number(/started (\d+)/.exec(String((await lines.next()).value))?.[1]);
    expect(isRunning(sleeper)).toBe(true);
    const exited = once(parent, 'exit');
    parent.kill('SIGKILL');
    await exited;
    await waitUntil(() => !isRunning(sleeper), 2_000, 'a process started by a SIGKILLed perfsuite still runs');
  });

  it('sees a long-running process end when it exits, not when a child it left closes the output pipe', async () => {
    const started = Date.now();
    const shell = startProcess(['sh', '-c', 'sleep 30 & echo child $!; exec sleep 0.2']);
    const ended = await shell.exited;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(ended).toEqual({ exitCode: 0, signal: undefined });
    expect(shell.hasExited()).toBe(true);
    // the child it left in its group was killed when it ended
    const child = Number(/child (\d+)/.exec(shell.output())?.[1]);
    expect(child).toBeGreaterThan(0);
    await waitUntil(() => !isRunning(child), 2_000, 'the child left behind still runs');
  });

  it('runProcess returns when the process exits, even if a child it left holds its output open', async () => {
    const result = await runProcess(['sh', '-c', 'sleep 30 & echo started; exit 4'], { timeoutMs: 20_000 });
    expect(result.exitCode).toBe(4);
    expect(result.timedOut).toBe(false);
    expect(result.durationMs).toBeLessThan(5_000);
    expect(result.stdout).toBe('started\n');
  });

  it('runProcess returns a short grace after the process exits when one that left its group (setsid) holds its output open', async () => {
    // the grandchild prints its pid through a pipe the leader reads to its end, so it has left the group (setsid runs
    // before the exec of its shell) when the leader goes on; then it takes the leader's stdout and sleeps
    const script = 'exec 4>&1; pid=$(setsid -f sh -c \'echo $$; exec >&4 4>&-; sleep 5; echo late\'); echo "grandchild $pid"; echo hi';
    let grandchild = 0;
    try {
      const result = await runProcess(['sh', '-c', script], { timeoutMs: 1_000 });
      grandchild = Number(/grandchild (\d+)/.exec(result.stdout)?.[1]);
      expect(grandchild).toBeGreaterThan(0);
      expect(isRunning(grandchild)).toBe(true);
      expect(result).toMatchObject({ exitCode: 0, timedOut: false, stdout: `grandchild ${grandchild}\nhi\n` });
      // the grace (what is left of the 1 s timeout), not the grandchild's 5 s
      expect(result.durationMs).toBeLessThan(2_500);
    } finally {
      // its own group (and session): its sleep goes with it
      if (grandchild > 0 && isRunning(grandchild)) process.kill(-grandchild, 'SIGKILL');
    }
    await waitUntil(() => !isRunning(grandchild), 2_000, 'the grandchild that left the group still runs');
  });

  it('stop() ends a long-running process, and a second stop does nothing', async () => {
    const sleeper = startProcess(['sleep', '1000']);
    expect(sleeper.hasExited()).toBe(false);
    await sleeper.stop();
    expect(sleeper.hasExited()).toBe(true);
    expect(await sleeper.exited).toMatchObject({ signal: 'SIGTERM' });
    await sleeper.stop(); // a second stop is a no-op, not a kill of whatever reuses the pid
  });

  it('waits for a listener with back-off instead of spinning a CPU', async () => {
    expect([0, 1, 2, 3, 4, 5, 7, 10].map(probeDelayMs)).toEqual([2, 4, 8, 16, 32, 64, 250, 250]);
    const port = await freePort('127.0.0.1');
    const before = process.cpuUsage();
    await expect(waitForListener('127.0.0.1', port, { deadline: Date.now() + 1_000, attemptMs: 500, timeoutMessage: 'nobody listened' })).rejects.toThrow(
      'nobody listened',
    );
    const used = process.cpuUsage(before);
    // a setImmediate loop burns the whole second; backing off costs a few milliseconds
    expect((used.user + used.system) / 1000).toBeLessThan(300);
  });

  it('tries the port as soon as the server says it listens, not at the next step of the back-off', async () => {
    const port = await freePort('127.0.0.1');
    // the back-off's pauses never end on their own here: only `ready` can end the one it is in
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const server = net.createServer();
    try {
      let say: () => void = () => undefined;
      const ready = new Promise<void>((resolve) => (say = resolve));
      let attempts = 0;
      const waiting = waitForListener('127.0.0.1', port, {
        deadline: Date.now() + 60_000,
        attemptMs: 5_000,
        timeoutMessage: 'nobody listened',
        ready,
        gaveUp: () => void attempts++,
      });
      // the first attempt is refused, and the pause after it has begun
      while (vi.getTimerCount() === 0) await new Promise((resolve) => setImmediate(resolve));
      expect(attempts).toBe(1);
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
      say();
      await waiting;
      expect(attempts).toBe(2);
    } finally {
      vi.useRealTimers();
      server.close();
    }
  });

  it('quotes words for the remote shell so nothing in them is syntax', () => {
    for (const word of ["it's", '{a,b}', '$(touch /tmp/x)', 'a b', '*', '`id`', 'x;y', '~', '!', '']) {
      const echoed = spawnSync('bash', ['-c', `printf %s ${quoteForRemoteShell(word)}`], { encoding: 'utf8' });
      expect(echoed.stdout).toBe(word);
    }
  });
});
