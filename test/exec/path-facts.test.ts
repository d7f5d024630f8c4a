import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readSide, serverFacts, startLinkCounters, thisSideFacts } from '../../src/exec/path-facts.js';
import { FACT_SYSCTLS } from '../../src/model/server-facts.js';

const hasTc = spawnSync('tc', ['-V']).status === 0;

describe.skipIf(!hasTc)(`the facts of a path, read with the real sh, ip and tc${hasTc ? '' : ' (skipped: no tc here; Debian package iproute2)'}`, () => {
  it('reads this host’s side towards its loopback: the sysctls there are, lo, its MTU and qdisc', async () => {
    const facts = await thisSideFacts('127.0.0.1');
    expect(facts.problems).toBeUndefined();
    expect(facts.remote).toBeUndefined();
    expect(facts.local?.interface).toMatchObject({ name: 'lo', mtu: 65536 });
    expect(facts.local?.sysctls['net.ipv4.tcp_congestion_control']).toMatch(/^\w+$/);
  });

  it('reads every sysctl there is whole, as the kernel gives it (the shell reads the files itself)', async () => {
    const facts = await thisSideFacts('127.0.0.1');
    const present = FACT_SYSCTLS.filter((name) => existsSync(`/proc/sys/${name.replaceAll('.', '/')}`));
    expect(present.length).toBeGreaterThan(10);
    const expected = Object.fromEntries(
      present.map((name) => [
        name,
        readFileSync(`/proc/sys/${name.replaceAll('.', '/')}`, 'utf8')
          .trim()
          .split(/\s+/)
          .join(' '),
      ]),
    );
    expect(facts.local?.sysctls).toEqual(expected);
    // a three-number sysctl keeps its three numbers
    expect(facts.local?.sysctls['net.ipv4.tcp_rmem']).toMatch(/^\d+ \d+ \d+$/);
  });

  it('says what it could not read instead of guessing: a side whose command fails is a problem', async () => {
    const reading = await readSide(['false'], { interface: 'lo' }, 'the namespace');
    expect(reading).toEqual({ problem: 'the facts of the namespace could not be read: it exited with 1' });
    expect(serverFacts(await readSide([], { interface: 'lo' }, 'this host'), reading)).toMatchObject({
      local: { interface: { name: 'lo' } },
      problems: ['the facts of the namespace could not be read: it exited with 1'],
    });
  });

  it('reads the qdisc counters through a tc that stays up, question after question', async () => {
    const counters = startLinkCounters([{ device: 'lo', prefix: [] }]);
    try {
      expect(await counters.read()).toEqual({ drops: 0, overlimits: 0 });
      expect(await counters.read()).toEqual({ drops: 0, overlimits: 0 });
    } finally {
      await counters.stop();
    }
  });

  it('fails every read once a question went unanswered (a device that is gone), never answering the next with the wrong line', async () => {
    const counters = startLinkCounters([{ device: 'perfsuite-no-such-device', prefix: [] }]);
    try {
      await expect(counters.read()).rejects.toThrow(/^tc -s -j -batch - ended: Command failed -:1$/);
      await expect(counters.read()).rejects.toThrow();
    } finally {
      await counters.stop();
    }
  });
});
