import { activeLoad, type CaseParams } from '../model/suite-types.js';
import { DEFAULT_DURATION_SECONDS } from '../model/test-types.js';
import { LOAD_LEAD_SECONDS } from './build-argv.js';

/** Per-run overhead besides the test itself: process start, control connection, result exchange. */
const RUN_OVERHEAD_SECONDS = 0.05;
/** netperf 2.7.0's TCP_CRR takes about 4 s longer than `-l` on Linux (measured: -l 1 → 5.0 s, -l 2 → 6.0 s). */
export const CRR_EXTRA_SECONDS = 4;
/**
 * What every run is allowed beyond its length, at least: netperf's start-up, control handshake and result exchange
 * on a slow machine or link. A run's own timeout is its expected length plus half again, never less than this more,
 * and a suite's `timeout:` must leave at least this much too.
 */
export const MIN_RUN_SLACK_SECONDS = 5;

/**
 * The seconds one run of a case lasts by netperf's clock: up to `max iterations × duration`, TCP_CRR's extra, and under
 * `load:` the lead the measured test waits and the load streams' longer run.
 */
export function runLengthSeconds(params: CaseParams): number {
  const iterations = params.confidence?.iterations[1] ?? 1;
  const extra = params.test === 'TCP_CRR' ? CRR_EXTRA_SECONDS * iterations : 0;
  const duration = params.duration ?? DEFAULT_DURATION_SECONDS;
  const measured = duration * iterations + extra;
  // under load the measured test starts a lead later, and the run lasts until the load streams end
  return activeLoad(params) === undefined ? measured : Math.max(measured + LOAD_LEAD_SECONDS, duration + 2 * LOAD_LEAD_SECONDS);
}

/** The seconds one run of a case should take: its length plus netperf's own overheads. */
export function estimateRunSeconds(params: CaseParams): number {
  return runLengthSeconds(params) + RUN_OVERHEAD_SECONDS;
}
