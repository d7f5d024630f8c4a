import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defined } from '../model/defined.js';
import type { Provenance } from '../model/history.js';
import type { CongestionControlFacts, HostFacts } from '../model/host-facts.js';
import type { SuiteSpec } from '../model/suite-types.js';
import { plannerOf } from '../servers/planners.js';
import type { PlannedServer } from '../servers/server-planner.js';
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
  return 'bash scripts/install-deps.sh (Debian: add the non-free component, then apt-get install netperf; Ubuntu: sudo apt-get install netperf from multiverse)';
}

/**
 * Where this run came from (docs/judging.md, "History and provenance"): the commit and ref (GitHub's variables, else
 * `git` in the first suite's directory), the CI run and runner image, every suite's `${NAME}` values and every server's
 * effective spec.
 */
export async function describeProvenance(
  perfsuiteVersion: string,
  suites: readonly SuiteSpec[],
  servers: readonly PlannedServer[],
  options: { readonly env: NodeJS.ProcessEnv; readonly cwd: string },
): Promise<Provenance> {
  const { env } = options;
  const first = suites[0];
  const dir = first === undefined ? options.cwd : path.dirname(path.resolve(options.cwd, first.file));
  // one git process for both: the commit, and the ref HEAD points at ('HEAD' itself when detached)
  const fromGit = async (): Promise<{ commit?: string; ref?: string }> => {
    const result = await runProcess(['git', '-C', dir, 'rev-parse', 'HEAD', '--symbolic-full-name', 'HEAD'], { timeoutMs: 5_000 });
    if (result.exitCode !== 0) return {};
    const [commit, ref] = result.stdout
      .trim()
      .split('\n')
      .map((line) => line.trim());
    return { ...defined({ commit: nonEmpty(commit) }), ...(ref === undefined || ref === 'HEAD' || ref === '' ? {} : { ref }) };
  };
  const fromEnv = { commit: nonEmpty(env['GITHUB_SHA']), ref: nonEmpty(env['GITHUB_REF']) };
  const local = fromEnv.commit !== undefined && fromEnv.ref !== undefined ? {} : await fromGit();
  const commit = fromEnv.commit ?? local.commit;
  const branch = fromEnv.ref ?? local.ref;
  const runId = nonEmpty(env['GITHUB_RUN_ID']);
  const attempt = nonEmpty(env['GITHUB_RUN_ATTEMPT']);
  const image = [env['ImageOS'], env['ImageVersion']].filter((v) => nonEmpty(v) !== undefined).join(' ');
  return {
    perfsuiteVersion,
    ...defined({
      commit,
      ref: branch,
      ciRunId: runId === undefined ? undefined : attempt === undefined || attempt === '1' ? runId : `${runId}-${attempt}`,
      runnerImage: nonEmpty(image),
    }),
    variables: Object.fromEntries(suites.map((s) => [s.name, s.variables ?? {}])),
    servers: Object.fromEntries(servers.map((s) => [s.key, plannerOf(s.type).provenance(s)])),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** What the checks of this machine (src/plan/check-host.ts) need to know about it: its CPUs and congestion control. */
export function hostFacts(): HostFacts {
  return { cpuCount: os.availableParallelism(), ...congestionControlFacts() };
}

/**
 * Which TCP congestion control algorithms perfsuite's processes may set here (netperf, and a local or netns netserver):
 * what this kernel offers, what it allows users that are not root, and whether perfsuite runs as root (euid 0, a fair
 * stand-in for CAP_NET_ADMIN). A list that cannot be read (not Linux) is left out.
 */
export function congestionControlFacts(): CongestionControlFacts {
  const euid = process.geteuid?.();
  return defined({
    availableCongestionControls: readAlgorithms('tcp_available_congestion_control'),
    allowedCongestionControls: readAlgorithms('tcp_allowed_congestion_control'),
    isPrivileged: euid === undefined ? undefined : euid === 0,
  });
}

/** One of the kernel's lists of congestion control algorithms, or undefined where it cannot be read. */
function readAlgorithms(file: 'tcp_available_congestion_control' | 'tcp_allowed_congestion_control'): ReadonlySet<string> | undefined {
  try {
    return new Set(
      readFileSync(`/proc/sys/net/ipv4/${file}`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter((name) => name !== ''),
    );
  } catch {
    return undefined;
  }
}
