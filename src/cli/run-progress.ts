import type { CaseResult } from '../model/results.js';
import type { Plan, PlannedCase } from '../plan/plan-cases.js';
import { GROUP_END, groupStart } from '../report/render-github.js';
import { formatCaseLine, formatProgress } from './case-line.js';
import type { CliIo } from './io.js';

/**
 * What `run` shows while it measures: a line per finished case, a progress line with an ETA on a terminal (not in
 * CI), and on GitHub Actions one log group per suite (one for all cases of a shuffled run, which hops between suites).
 */
export function runProgress(plan: Plan, options: { readonly shuffle: boolean; readonly color: boolean }, io: CliIo) {
  const showProgress = io.isTTY && io.env['CI'] === undefined;
  const onGithub = io.env['GITHUB_ACTIONS'] === 'true';
  const clear = showProgress ? '\r\x1b[K' : '';
  let openGroup: string | undefined;
  let remainingSeconds = plan.estimatedSeconds;
  return {
    /** Warnings print on a line of their own, clearing the progress line first. */
    warn: (message: string): void => io.stderr(`${clear}perfsuite: warning: ${message}\n`),
    onCaseStart: async (planned: PlannedCase, index: number): Promise<void> => {
      const group = options.shuffle ? 'perfsuite: cases in a shuffled order' : `perfsuite: ${planned.case.suite}`;
      if (onGithub && group !== openGroup) {
        await io.stdout(`${openGroup === undefined ? '' : GROUP_END}${groupStart(group)}`);
        openGroup = group;
      }
      if (showProgress) io.stderr(`${clear}${formatProgress(index, plan.cases.length, remainingSeconds, planned.case.id)}`);
    },
    onCaseFinished: async (result: CaseResult, planned: PlannedCase, index: number): Promise<void> => {
      remainingSeconds -= planned.estimatedSeconds;
      if (showProgress) io.stderr(clear);
      await io.stdout(`${formatCaseLine(result, index, plan.cases.length, { color: options.color })}\n`);
    },
    /** After the last case: the open log group closed, the progress line cleared. */
    end: async (): Promise<void> => {
      if (openGroup !== undefined) await io.stdout(GROUP_END);
      if (showProgress) io.stderr(clear);
    },
  };
}
