import type { Diagnostic, SourceLocation } from '../model/diagnostics.js';
import { activeLoad, type CaseParams } from '../model/suite-types.js';
import { DEFAULT_DURATION_SECONDS } from '../model/test-types.js';
import { plural } from '../model/words.js';
import { LOAD_LEAD_SECONDS } from '../netperf/build-argv.js';
import { CRR_EXTRA_SECONDS, MIN_RUN_SLACK_SECONDS, runLengthSeconds } from '../netperf/run-length.js';
import { formatParamValue } from './normalize-param.js';

/** Where a case got a parameter from, as far as a message about `timeout` needs to know. */
export interface ParamSource {
  readonly loc: SourceLocation;
  /** `override`: `--repeat` / `--duration` on the command line. */
  readonly origin: string;
}

/** A case whose `timeout:` cannot cover what it must: the timeout's node, and what the case needs. */
export interface TimeoutShortfall {
  readonly loc: SourceLocation;
  readonly timeout: number;
  /** The least timeout that covers the case, in whole seconds. */
  readonly needed: number;
  readonly caseId: string;
  /** What the case's run is made of, for the message. */
  readonly why: string;
}

/**
 * The shortfall of a case's `timeout:`, if it has one too short for what it caps: each run, warm-ups and measured runs
 * alike (src/run/run-cases.ts, src/run/run-arms.ts). It must leave MIN_RUN_SLACK_SECONDS beyond the run's length, the
 * least slack a run's own timeout gives it (src/run/measure-run.ts): a shorter one kills a healthy netperf, which then
 * reads as a network failure.
 */
export function timeoutShortfall(
  params: CaseParams,
  sources: ReadonlyMap<string, ParamSource>,
  options: { readonly caseId: string },
): TimeoutShortfall | undefined {
  const { timeout } = params;
  const source = sources.get('timeout');
  if (timeout === undefined || source === undefined) return undefined;
  const length = runLengthSeconds(params);
  const needed = Math.ceil(length + MIN_RUN_SLACK_SECONDS);
  if (timeout >= needed) return undefined;
  const fromCli = sources.get('duration')?.origin === 'override' ? ' from --duration' : '';
  return { loc: source.loc, timeout, needed, caseId: options.caseId, why: `each run takes ${formatSeconds(length)} (${describeRun(params, fromCli)})` };
}

/** What one run's length is made of: the duration, and what netperf adds to it. */
function describeRun(params: CaseParams, durationFrom: string): string {
  const duration = params.duration ?? DEFAULT_DURATION_SECONDS;
  const parts = [`duration ${formatParamValue('duration', duration)}${params.duration === undefined ? ' by default' : durationFrom}`];
  const iterations = params.confidence?.iterations[1];
  if (iterations !== undefined) parts[0] += ` × up to ${plural(iterations, 'iteration')} of confidence`;
  if (params.test === 'TCP_CRR') parts.push(`${CRR_EXTRA_SECONDS} s TCP_CRR adds${iterations === undefined ? '' : ' per iteration'}`);
  if (activeLoad(params) !== undefined) parts.push(`the load's lead of ${LOAD_LEAD_SECONDS} s on each side`);
  return parts.join(' + ');
}

function formatSeconds(seconds: number): string {
  return `${seconds} s`;
}

/**
 * One message per `timeout:` node that is too short for some case using it: the case that needs the most, and the
 * least timeout that covers every case using it.
 */
export function timeoutDiagnostics(shortfalls: readonly TimeoutShortfall[]): Diagnostic[] {
  const worst = new Map<string, { shortfall: TimeoutShortfall; cases: number }>();
  for (const s of shortfalls) {
    const key = `${s.loc.file}:${s.loc.line}:${s.loc.col}`;
    const seen = worst.get(key);
    if (seen === undefined) worst.set(key, { shortfall: s, cases: 1 });
    else worst.set(key, { shortfall: s.needed > seen.shortfall.needed ? s : seen.shortfall, cases: seen.cases + 1 });
  }
  return [...worst.values()].map(({ shortfall: s, cases }) => {
    const others = cases > 1 ? ` (and ${plural(cases - 1, 'other case')} it is too short for)` : '';
    return {
      loc: s.loc,
      message:
        `timeout ${formatParamValue('timeout', s.timeout)} cannot cover case ${s.caseId}${others}: ${s.why}, and netperf needs up to ${MIN_RUN_SLACK_SECONDS} s more to start, ` +
        `connect and report (timeout caps each run), so it would be killed and reported as a network failure; set timeout: ${s.needed}s or more, or leave timeout out (each run then gets its length plus half again, at least ${MIN_RUN_SLACK_SECONDS} s)`,
    };
  });
}
