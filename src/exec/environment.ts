import os from 'node:os';
import type { Environment } from '../model/results.js';
import { parseNetperfVersion } from '../netperf/version.js';
import { runProcess } from './process.js';

/** The version `netperf -V` (or `netserver -V`) prints, or undefined when the program cannot be run. */
export async function netperfVersion(program: 'netperf' | 'netserver' = 'netperf'): Promise<string | undefined> {
  const result = await runProcess([program, '-V'], { timeoutMs: 10_000 });
  if (result.errorCode !== undefined || result.timedOut) return undefined;
  return parseNetperfVersion(`${result.stdout}${result.stderr}`);
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
