import type { CaseResult, MeasuredCase } from '../model/results.js';
import { fnv1a } from '../model/hash-text.js';
import { repeatRange } from '../model/suite-types.js';
import type { PlannedCase } from '../plan/plan-cases.js';
import { createRandom, shuffle } from '../stats/random.js';
import { acceptsOf, caseIdentity, finishCase, measureRun, type RunCasesOptions, startProgress, tolerancesOf } from './measure-run.js';
import { runArms } from './run-arms.js';

export type { RunCasesOptions } from './measure-run.js';

/**
 * Measures cases one after another (the arms of a `compare:` group together, interleaved), in the given order or, with
 * `shuffle`, in a seeded random order of units; stops early when the signal aborts.
 */
export async function runCases(cases: readonly PlannedCase[], options: RunCasesOptions): Promise<{ results: MeasuredCase[]; interrupted: boolean }> {
  const results: MeasuredCase[] = [];
  for (const unit of runOrder(cases, options)) {
    if (options.signal.aborted) return { results, interrupted: true };
    const first = unit[0];
    if (first === undefined) continue;
    await options.onCaseStart?.(first, results.length);
    // each unit's order comes from the seed and the control's id alone, so --seed reproduces it whatever ran before
    const measured =
      first.case.arm === undefined
        ? await runCase(first, options)
        : await runArms(unit, options, createRandom(unitSeed(options.seed ?? 0, first.case.arm.control)));
    if (measured === 'interrupted') return { results, interrupted: true };
    const unitResults = 'results' in measured ? measured.results : [measured];
    for (const result of unitResults) {
      results.push(result);
      await options.onCaseFinished(result, unit.find((planned) => planned.case.id === result.id) ?? first, results.length - 1);
    }
    if ('interrupted' in measured && measured.interrupted) return { results, interrupted: true };
  }
  return { results, interrupted: options.signal.aborted };
}

/** A 32-bit seed for one unit from the run's seed and the unit's control id (FNV-1a). */
export function unitSeed(seed: number, controlId: string): number {
  return fnv1a(controlId, 0x811c9dc5 ^ seed);
}

/**
 * The units in the order they run: as planned, or with `shuffle` in a random order seeded from the run's seed (by a
 * name no case id can have, so it does not follow the order of any unit's arms). Units move whole: a control and its
 * candidates stay together.
 */
export function runOrder(cases: readonly PlannedCase[], options: Pick<RunCasesOptions, 'seed' | 'shuffle'>): PlannedCase[][] {
  const units = unitsOf(cases);
  return options.shuffle === true ? shuffle(units, createRandom(unitSeed(options.seed ?? 0, '--shuffle'))) : units;
}

/** Consecutive planned cases that share a control form one unit (they run interleaved); every other case is its own. */
function unitsOf(cases: readonly PlannedCase[]): PlannedCase[][] {
  const units: PlannedCase[][] = [];
  for (const planned of cases) {
    const last = units.at(-1);
    const control = planned.case.arm?.control;
    if (control !== undefined && last?.[0]?.case.arm?.control === control) last.push(planned);
    else units.push([planned]);
  }
  return units;
}

async function runCase(planned: PlannedCase, options: RunCasesOptions): Promise<MeasuredCase | 'interrupted'> {
  const { params } = planned.case;
  const progress = startProgress(planned, options.now());
  const warmup = params.warmup ?? 0;
  // outside a judged comparison, `repeat: { min, max }` means min
  const total = warmup + repeatRange(params).min;
  for (let run = 0; run < total; run++) {
    const attempt = await measureRun(progress, options, { keep: run >= warmup });
    if (attempt.kind === 'interrupted') return 'interrupted';
    if (attempt.kind === 'failed') {
      progress.error = attempt.failure;
      break;
    }
  }
  return finishCase(progress, options.now());
}

/** A case the run never got to (interrupted or crashed first): listed as skipped, so no report calls the run whole. */
export function notRunResult(planned: PlannedCase, reason: string): CaseResult {
  return {
    ...caseIdentity(planned),
    status: 'skipped',
    metrics: {},
    runs: [],
    spread: {},
    thresholds: [],
    regression: tolerancesOf(planned),
    ...acceptsOf(planned),
    error: { kind: 'interrupted', message: reason },
    retries: 0,
    durationSeconds: 0,
    netperf: [],
  };
}
