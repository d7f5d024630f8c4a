import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { ProcessOutcome } from '../../src/model/netperf-outcome.js';
import type { NetperfExecutor, ServerPool } from '../../src/model/seams.js';
import { planCases } from '../../src/plan/plan-cases.js';
import { statusOf } from '../../src/model/results.js';
import { runCases } from '../../src/run/run-cases.js';
import { compileSuites, loadSuiteText } from '../../src/suite/load-suite.js';

/** A recorded real netperf run (test/fixtures/netperf), as a fake executor's answer. */
export function recorded(name: string): ProcessOutcome {
  const r = JSON.parse(readFileSync(new URL(`../fixtures/netperf/${name}.json`, import.meta.url), 'utf8')) as {
    exitCode: number;
    stdout: string;
    stderr: string;
  };
  return { exitCode: r.exitCode, signal: undefined, timedOut: false, durationMs: 1000, stdout: r.stdout, stderr: r.stderr };
}

/** The planned cases of a suite given as YAML text, which must be valid. */
export function planFor(yaml: string) {
  const { suite, diagnostics } = loadSuiteText(yaml, { file: 'inline.yml', lookupVariable: () => undefined });
  expect(diagnostics).toEqual([]);
  const { cases } = compileSuites(suite ? [suite] : []);
  return planCases(suite ? [suite] : [], cases).cases;
}

/** runCases options around a fake executor and server pool, on a clock that moves 10 ms per reading. */
export function fakeOptions(executor: NetperfExecutor, servers: ServerPool, signal = new AbortController().signal) {
  let clock = 0;
  return { executor, servers, signal, now: () => (clock += 10), onCaseFinished: () => undefined };
}

/** runCases with each case's status decided from its measurement and judgements, as runPlan decides it. */
export async function measureCases(...args: Parameters<typeof runCases>) {
  const outcome = await runCases(...args);
  return { ...outcome, results: outcome.results.map((c) => ({ ...c, status: statusOf(c) })) };
}
