import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkServerSide, formatChecks } from '../../src/cli/doctor.js';
import type { ReadPeerFacts } from '../../src/exec/server-driver.js';
import type { PeerFacts } from '../../src/model/host-facts.js';
import { planCases } from '../../src/plan/plan-cases.js';
import { load, tempDir } from '../helpers.js';

const file = 'test/fixtures/suites/valid/peer-tuned.yml';
const SSH = { SSH_PORT: '2222', SSH_KEY: '/keys/ci' };

/** The doctor lines about the far end of each server of a suite, with a fake reader of what the peer offers. */
async function farEnd(files: readonly string[], variables: Record<string, string>, read: ReadPeerFacts): Promise<string> {
  const { suites, cases } = load(files, { variables });
  const lines: string[] = [];
  for (const server of planCases(suites, cases).servers) lines.push(formatChecks(await checkServerSide(server, cases, suites, read)));
  return lines.join('');
}

/** A peer that offers these facts, recording which servers were asked. */
function peer(facts: Omit<PeerFacts, 'host'>): ReadPeerFacts & { asked: string[] } {
  const asked: string[] = [];
  return Object.assign(
    (server: Parameters<ReadPeerFacts>[0]) => {
      asked.push(server.key);
      return Promise.resolve({ host: server.host, ...facts });
    },
    { asked },
  );
}

describe('doctor: what the cases ask of the far end of their servers', () => {
  it('names each congestion_control an ssh peer lacks and each CPU it does not have, at the line that asks, with what it has', async () => {
    const read = peer({ availableCongestionControls: new Set(['reno', 'cubic']), cpuCount: 2 });
    expect(await farEnd([file], { ...SSH, PEER_CC: 'bbr', REMOTE_CPU: '2' }, read)).toBe(
      [
        `✗ peer-tuned/peer: on 127.0.0.1: ${file}:19:34: congestion_control bbr is not available in the kernel of 127.0.0.1 (it has reno, cubic); load it there (modprobe tcp_bbr) or pick one of those`,
        `✗ peer-tuned/peer: on 127.0.0.1: ${file}:21:7: cpu_affinity ,2 pins netserver on 127.0.0.1 to CPU 2, but 127.0.0.1 has 2 CPUs (0–1); netperf would not say so and pin nothing. Pick a CPU from that range, or leave remote out`,
        '',
      ].join('\n'),
    );
    expect(read.asked).toEqual(['peer-tuned/peer']);
  });

  it('passes a peer that offers everything, saying what it has', async () => {
    const read = peer({ availableCongestionControls: new Set(['reno', 'cubic', 'bbr']), cpuCount: 4 });
    expect(await farEnd([file], { ...SSH, REMOTE_CPU: '3' }, read)).toBe(
      '✓ peer-tuned/peer: on 127.0.0.1: congestion control reno, cubic offered (it has reno, cubic, bbr); 4 CPUs for cpu_affinity remote\n',
    );
  });

  describe('a congestion_control the peer offers but allows only root to set (reno and bbr allowed, cubic not)', () => {
    const lists = { availableCongestionControls: new Set(['reno', 'cubic', 'bbr']), allowedCongestionControls: new Set(['reno', 'bbr']), cpuCount: 4 };

    it('fails when the ssh user is not root, at the line that asks, saying how to allow it there', async () => {
      expect(await farEnd([file], SSH, peer({ ...lists, isPrivileged: false }))).toBe(
        `✗ peer-tuned/peer: on 127.0.0.1: ${file}:19:34: congestion_control cubic is available but not allowed for unprivileged users on 127.0.0.1 (allowed: reno, bbr); allow it there (sysctl -w net.ipv4.tcp_allowed_congestion_control='reno bbr cubic') or run netserver there as root (user: root)\n`,
      );
    });

    it('passes an allowed one for an ssh user that is not root, saying it is allowed, and any offered one for root', async () => {
      expect(await farEnd([file], { ...SSH, PEER_CC: 'bbr' }, peer({ ...lists, isPrivileged: false }))).toBe(
        '✓ peer-tuned/peer: on 127.0.0.1: congestion control reno, bbr offered (it has reno, cubic, bbr) and allowed to the ssh user, who is not root (allowed: reno, bbr); 4 CPUs for cpu_affinity remote\n',
      );
      expect(await farEnd([file], SSH, peer({ ...lists, isPrivileged: true }))).toBe(
        '✓ peer-tuned/peer: on 127.0.0.1: congestion control reno, cubic offered (it has reno, cubic, bbr); 4 CPUs for cpu_affinity remote\n',
      );
    });

    it('judges only the available list when the ssh user could not be told, and says so', async () => {
      expect(await farEnd([file], SSH, peer(lists))).toBe(
        '✓ peer-tuned/peer: on 127.0.0.1: congestion control reno, cubic offered (it has reno, cubic, bbr); whether the ssh user is root cannot be read there (id -u), so tcp_allowed_congestion_control is not judged; 4 CPUs for cpu_affinity remote\n',
      );
    });
  });

  it('judges nothing it could not read, and says so; a failed read is a failed line', async () => {
    expect(await farEnd([file], { ...SSH, PEER_CC: 'bbr' }, peer({}))).toBe(
      '✓ peer-tuned/peer: on 127.0.0.1: tcp_available_congestion_control cannot be read there (not Linux?), so only the run checks that congestion_control applied; nproc did not answer there, so cpu_affinity remote is not checked\n',
    );
    const failing: ReadPeerFacts = () => Promise.reject(new Error('ssh to root@127.0.0.1:2222 failed (Connection reset)'));
    expect(await farEnd([file], SSH, failing)).toBe(
      '✗ peer-tuned/peer: on 127.0.0.1: cannot read its congestion control and CPUs (ssh to root@127.0.0.1:2222 failed (Connection reset))\n',
    );
  });

  it('asks nothing of peers whose cases set neither, and notes that a namespace shares this kernel', async () => {
    const dir = tempDir('doctor');
    const suite = path.join(dir, 'plain.yml');
    writeFileSync(
      suite,
      [
        'version: 1',
        'name: plain',
        'servers:',
        '  peer: { type: ssh, host: 127.0.0.1, control_port: 12865 }',
        '  ns: { type: netns }',
        'tests:',
        '  - name: rr',
        '    server: peer',
        '    test: TCP_RR',
        '  - name: tuned',
        '    server: ns',
        '    test: TCP_STREAM',
        '    congestion_control: reno',
        '    cpu_affinity: { remote: 0 }',
        '',
      ].join('\n'),
    );
    const read = peer({ availableCongestionControls: new Set(['cubic']), cpuCount: 1 });
    expect(await farEnd([suite], {}, read)).toBe(
      "✓ plain/ns: congestion control: the namespace shares this machine's kernel and its modules, so the check of this machine covers it\n",
    );
    expect(read.asked).toEqual([]);
  });
});
