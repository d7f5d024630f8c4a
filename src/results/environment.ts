import { spawnSync } from 'node:child_process';
import os from 'node:os';
import type { Environment } from './results.js';

/** The netperf version (`netperf -V`), or undefined when netperf cannot be run. */
export function netperfVersion(): string | undefined {
  const result = spawnSync('netperf', ['-V'], { encoding: 'utf8', timeout: 10_000 });
  if (result.error !== undefined) return undefined;
  return /version\s+(\S+)/i.exec(`${result.stdout}${result.stderr}`)?.[1] ?? 'unknown';
}

/** Facts about this machine that decide whether two runs are comparable. */
export function describeEnvironment(perfsuiteVersion: string, netperf: string): Environment {
  const cpus = os.cpus();
  return {
    hostname: os.hostname(),
    platform: os.platform(),
    kernel: os.release(),
    arch: os.arch(),
    cpuCount: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    node: process.version,
    netperfVersion: netperf,
    perfsuiteVersion,
  };
}

/** How to install netperf here, for the error when it is missing. */
export function netperfInstallHint(): string {
  if (os.platform() === 'darwin') return 'brew install netperf';
  return "bash scripts/install-deps.sh (Debian: add the non-free component, then apt-get install netperf; Ubuntu: sudo apt-get install netperf from multiverse)";
}
