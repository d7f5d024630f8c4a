import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import type { HostFacts } from '../../src/model/host-facts.js';
import { checkHost } from '../../src/plan/check-host.js';
import { load } from '../helpers.js';

const { suites, cases } = load(['test/fixtures/suites/valid/pinned.yml']);
const messages = (cpuCount: number) => checkHost(cases, suites, { cpuCount }).map(formatDiagnostic);

describe('checkHost: cpu_affinity against the CPUs this machine has', () => {
  it('normalises the pinning: one spelling per value, shown as netperf -T takes it', () => {
    expect(cases.map((c) => c.id)).toContain('pinned/swept[cpu_affinity=3,2]');
    expect(cases.find((c) => c.id === 'pinned/bulk')?.params.cpu_affinity).toEqual({ local: 0, remote: 1 });
    expect(Object.keys(cases.find((c) => c.id === 'pinned/bulk')?.params.cpu_affinity ?? {})).toEqual(['local', 'remote']);
  });

  it('accepts every CPU that exists', () => {
    expect(messages(64)).toEqual([]);
  });

  it('names each CPU that does not exist at the line that set it, local always, remote only for servers on this host', () => {
    const file = 'test/fixtures/suites/valid/pinned.yml';
    expect(messages(2)).toEqual([
      `${file}:15:36: cpu_affinity 3,2 pins netperf to CPU 3, but this machine has 2 CPUs (0–1); netperf would not say so and pin nothing. Pick a CPU from that range, or leave local out`,
      `${file}:15:36: cpu_affinity 3,2 pins netserver (server 'local' runs on this machine) to CPU 2, but this machine has 2 CPUs (0–1); netperf would not say so and pin nothing. Pick a CPU from that range, or leave remote out`,
      `${file}:15:61: cpu_affinity ,5 pins netserver (server 'local' runs on this machine) to CPU 5, but this machine has 2 CPUs (0–1); netperf would not say so and pin nothing. Pick a CPU from that range, or leave remote out`,
      `${file}:23:19: cpu_affinity ,40 pins netserver (server 'ns' runs on this machine) to CPU 40, but this machine has 2 CPUs (0–1); netperf would not say so and pin nothing. Pick a CPU from that range, or leave remote out`,
    ]);
  });

  it('names a congestion_control this kernel does not offer, with what it has, and nothing when the list cannot be read', () => {
    const tcp = load(['test/fixtures/suites/valid/every-test.yml']);
    const file = 'test/fixtures/suites/valid/every-test.yml';
    expect(checkHost(tcp.cases, tcp.suites, { cpuCount: 2, availableCongestionControls: new Set(['cubic', 'bbr']) }).map(formatDiagnostic)).toEqual([
      `${file}:12:25: congestion_control reno is not available in this kernel (it has cubic, bbr); load it (modprobe tcp_reno) or pick one of those`,
    ]);
    expect(checkHost(tcp.cases, tcp.suites, { cpuCount: 2, availableCongestionControls: new Set(['reno']) })).toEqual([]);
    expect(checkHost(tcp.cases, tcp.suites, { cpuCount: 2 })).toEqual([]);
  });

  describe('a congestion_control this kernel offers but does not allow users that are not root', () => {
    const tcp = load(['test/fixtures/suites/valid/every-test.yml']);
    const file = 'test/fixtures/suites/valid/every-test.yml';
    const lists = { availableCongestionControls: new Set(['bbr', 'reno', 'cubic']), allowedCongestionControls: new Set(['bbr', 'cubic']) };
    const check = (facts: Omit<HostFacts, 'cpuCount'>) => checkHost(tcp.cases, tcp.suites, { cpuCount: 2, ...facts }).map(formatDiagnostic);

    it('is refused when perfsuite does not run as root, at the line that asks, saying how to allow it', () => {
      expect(check({ ...lists, isPrivileged: false })).toEqual([
        `${file}:12:25: congestion_control reno is available but not allowed for unprivileged users on this machine (allowed: bbr, cubic); allow it (sysctl -w net.ipv4.tcp_allowed_congestion_control='bbr cubic reno') or run perfsuite as root`,
      ]);
    });

    it('passes as root, who may set any algorithm the kernel offers', () => {
      expect(check({ ...lists, isPrivileged: true })).toEqual([]);
    });

    it('passes an unprivileged user when it is allowed, and judges only the available list when privilege or the allowed list is unknown', () => {
      expect(check({ ...lists, allowedCongestionControls: new Set(['reno']), isPrivileged: false })).toEqual([]);
      expect(check(lists)).toEqual([]);
      expect(check({ availableCongestionControls: lists.availableCongestionControls, isPrivileged: false })).toEqual([]);
    });

    it('for one the kernel lacks as well, says both: load it, and allow it too', () => {
      expect(check({ availableCongestionControls: new Set(['bbr', 'cubic']), allowedCongestionControls: new Set(['cubic']), isPrivileged: false })).toEqual([
        `${file}:12:25: congestion_control reno is not available in this kernel (it has bbr, cubic); load it (modprobe tcp_reno) or pick one of those; perfsuite does not run as root, so allow it too (sysctl -w net.ipv4.tcp_allowed_congestion_control='cubic reno')`,
      ]);
      expect(check({ availableCongestionControls: new Set(['bbr', 'cubic']), allowedCongestionControls: new Set(['cubic']), isPrivileged: true })).toEqual([
        `${file}:12:25: congestion_control reno is not available in this kernel (it has bbr, cubic); load it (modprobe tcp_reno) or pick one of those`,
      ]);
    });
  });

  it('on a one-CPU machine the defaults (remote 1) are out of range too', () => {
    expect(messages(1).filter((m) => m.includes(':8:'))).toHaveLength(1);
    expect(messages(1).find((m) => m.includes(':8:'))).toContain('this machine has 1 CPU (0)');
  });
});
