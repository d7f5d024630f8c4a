import path from 'node:path';
import type { RunResult } from '../model/results.js';
import { allCases, nothingComparedOf, type NothingCompared } from '../results/verdict.js';
import { describeFailure, describeRegression, describeShift } from './report-text.js';
import { describeNoise, noisyMetrics } from './noise.js';
import { type CommonModeShift, commonModeShifts } from './comparison-view.js';
import { type Failure, failureLocation, failuresOf } from './failure-view.js';
import { plural } from '../model/words.js';

/** GitHub shows at most 10 annotations of one type per step; the rest would vanish silently. */
export const MAX_ANNOTATIONS = 10;
/** GitHub's limit for one step's job summary. */
export const STEP_SUMMARY_LIMIT_BYTES = 1024 * 1024;

/** Escaping for a workflow command's message (https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts). */
function escapeData(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

export interface GithubContext {
  /** The checkout (`GITHUB_WORKSPACE`); annotation paths are relative to it. */
  readonly workspace: string;
  /** The directory the suite paths in the results are relative to. */
  readonly cwd: string;
}

/** `::group::<suite>` and its end, around each suite's case lines. */
export function groupStart(title: string): string {
  return `::group::${escapeData(title)}\n`;
}

export const GROUP_END = '::endgroup::\n';

/** A suite file as annotations name it: relative to the workspace, with forward slashes. */
function inWorkspace(file: string, context: GithubContext): string {
  return path.relative(context.workspace, path.resolve(context.cwd, file)).split(path.sep).join('/');
}

/** "2 more missed thresholds, 1 more regression": how many of each kind `items` holds, in the order given, kinds it lacks left out. */
function countByKind<K extends string>(items: readonly { readonly kind: K }[], words: readonly (readonly [K, string, string])[]): string {
  return words
    .flatMap(([kind, one, many]) => {
      const n = items.filter((item) => item.kind === kind).length;
      return n === 0 ? [] : [plural(n, one, many)];
    })
    .join(', ');
}

/**
 * One `::error` per failure at the line of the missed threshold (or of the case that could not be measured), most
 * important first; past GitHub's 10, the last annotation counts the rest instead.
 */
export function renderAnnotations(result: RunResult, context: GithubContext): string {
  // a group that moved as one gets one annotation, not one per case (the cases stay in the summary and junit.xml)
  const shifts = commonModeShifts(result);
  const inShift = (failure: Failure): boolean =>
    failure.kind === 'regression' &&
    shifts.some((s) => s.metric === failure.regression.metric && s.source === failure.regression.source && s.ids.has(failure.case.id));
  const allFailures = failuresOf(result);
  const failures = allFailures.filter((failure) => !inShift(failure));
  const failedShifts = new Set(
    shifts.filter((s) => allFailures.some((f) => inShift(f) && f.kind === 'regression' && s.ids.has(f.case.id) && s.metric === f.regression.metric)),
  );
  // a gate that judged nothing comes first: it is why a run whose cases all passed fails
  const gate = nothingComparedOf(result);
  const gateLine = (n: NothingCompared, type: 'error' | 'warning'): string => {
    const where = n.file === undefined ? '' : `file=${escapeProperty(inWorkspace(n.file, context))},line=${n.line ?? 1},`;
    return `::${type} ${where}title=${escapeProperty(`perfsuite: nothing compared against the ${n.source}`)}::${escapeData(n.reason)}`;
  };
  const gateErrors = gate.filter((n) => !n.warnOnly);
  // the group lines count against GitHub's 10 of their type like any other
  const room = Math.max(1, MAX_ANNOTATIONS - failedShifts.size - gateErrors.length);
  const shown = failures.length <= room ? failures : failures.slice(0, room - 1);
  const lines = shown.map((failure) => {
    const where = failureLocation(failure);
    const file = inWorkspace(where.file, context);
    const what =
      failure.kind === 'error'
        ? 'could not be measured'
        : failure.kind === 'threshold'
          ? 'missed a threshold'
          : failure.regression.verdict === 'inconclusive'
            ? `${failure.regression.metric} stayed inconclusive (--fail-on-inconclusive)`
            : 'regressed';
    const title = `perfsuite: ${failure.case.id} ${what}`;
    return `::error file=${escapeProperty(file)},line=${where.line},title=${escapeProperty(title)}::${escapeData(describeFailure(failure))}`;
  });
  const shiftLine = (shift: CommonModeShift, type: 'error' | 'warning'): string =>
    `::${type} file=${escapeProperty(inWorkspace(shift.file, context))},line=${shift.line},title=${escapeProperty(`perfsuite: group ${shift.group} moved as one`)}::${escapeData(describeShift(shift))}`;
  lines.unshift(...gateErrors.map((n) => gateLine(n, 'error')), ...shifts.filter((shift) => failedShifts.has(shift)).map((shift) => shiftLine(shift, 'error')));
  const rest = failures.length - shown.length;
  if (rest > 0) {
    const detail = countByKind(failures.slice(shown.length), [
      ['threshold', 'more missed threshold', 'more missed thresholds'],
      ['regression', 'more regression', 'more regressions'],
      ['error', 'more case that could not be measured', 'more cases that could not be measured'],
    ]);
    lines.push(
      `::error title=${escapeProperty(`perfsuite: ${plural(rest, 'more failure', 'more failures')}`)}::${escapeData(`${detail}; GitHub shows only ${MAX_ANNOTATIONS} annotations per step. Every failure is in the job summary and in junit.xml.`)}`,
    );
  }
  // warnings share GitHub's other 10, in this order: groups that moved, inconclusive comparisons (a failure only under
  // --fail-on-inconclusive), then tolerances a case's own spread swamps, each at its regression: line
  const warnings: { readonly kind: 'gate' | 'shift' | 'inconclusive' | 'noisy'; readonly line: string }[] = [
    ...gate.filter((n) => n.warnOnly).map((n) => ({ kind: 'gate' as const, line: gateLine(n, 'warning') })),
    ...shifts.filter((shift) => !failedShifts.has(shift)).map((shift) => ({ kind: 'shift' as const, line: shiftLine(shift, 'warning') })),
    ...allCases(result).flatMap((c) =>
      (c.regressions ?? [])
        .filter((r) => r.verdict === 'inconclusive' && r.passed)
        .map((r) => ({
          kind: 'inconclusive' as const,
          line: `::warning file=${escapeProperty(inWorkspace(r.file, context))},line=${r.line},title=${escapeProperty(`perfsuite: ${c.id} ${r.metric} inconclusive`)}::${escapeData(describeRegression(r, c.params.test))}`,
        })),
    ),
    ...allCases(result).flatMap((c) =>
      noisyMetrics(c).map((flag) => ({
        kind: 'noisy' as const,
        line: `::warning file=${escapeProperty(inWorkspace(flag.file, context))},line=${flag.line},title=${escapeProperty(`perfsuite: ${c.id} too noisy`)}::${escapeData(`${c.id}: ${describeNoise(flag)}`)}`,
      })),
    ),
  ];
  // an accepted regression passes, said as a notice at its accept: entry (GitHub keeps 10 notices a step too)
  const accepted = allCases(result).flatMap((c) =>
    (c.regressions ?? [])
      .filter((r) => r.verdict === 'accepted' && r.acceptance !== undefined)
      .map(
        (r) =>
          `::notice file=${escapeProperty(inWorkspace(r.acceptance?.file ?? r.file, context))},line=${r.acceptance?.line ?? r.line},title=${escapeProperty(`perfsuite: ${c.id} ${r.metric} regression accepted`)}::${escapeData(describeRegression(r, c.params.test))}`,
      ),
  );
  const noticeRoom = MAX_ANNOTATIONS - 1;
  lines.push(...(accepted.length <= noticeRoom ? accepted : accepted.slice(0, noticeRoom - 1)));
  if (accepted.length > noticeRoom)
    lines.push(
      `::notice title=${escapeProperty(`perfsuite: ${accepted.length - noticeRoom + 1} more accepted regressions`)}::${escapeData('GitHub shows only 10 notices per step. Every one is in the job summary.')}`,
    );
  // one of GitHub's 10 is left to the step's own (the Action's missing baseline, a missing history file)
  const warningRoom = MAX_ANNOTATIONS - 1;
  const shownWarnings = warnings.length <= warningRoom ? warnings : warnings.slice(0, warningRoom - 1);
  lines.push(...shownWarnings.map((w) => w.line));
  if (shownWarnings.length < warnings.length) {
    const hidden = warnings.slice(shownWarnings.length);
    const detail = countByKind(hidden, [
      ['gate', 'gate that compared nothing', 'gates that compared nothing'],
      ['shift', 'group that moved as one', 'groups that moved as one'],
      ['inconclusive', 'inconclusive comparison', 'inconclusive comparisons'],
      ['noisy', 'metric too noisy for its tolerance', 'metrics too noisy for their tolerances'],
    ]);
    lines.push(
      `::warning title=${escapeProperty(`perfsuite: ${plural(hidden.length, 'more warning', 'more warnings')}`)}::${escapeData(`${detail}; GitHub shows only ${MAX_ANNOTATIONS} warnings per step. Every one is in the job summary.`)}`,
    );
  }
  return lines.map((line) => `${line}\n`).join('');
}
