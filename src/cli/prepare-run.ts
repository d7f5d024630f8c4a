import { existsSync } from 'node:fs';
import path from 'node:path';
import { acceptJudge } from '../compare/accept-regressions.js';
import { baselineJudge } from '../compare/compare-runs.js';
import { historyJudge } from '../compare/judge-history.js';
import { describeEnvironment, describeProvenance, hostFacts, netperfInstallHint, netperfVersion } from '../exec/environment.js';
import { fingerprintOf } from '../history/history-file.js';
import { defined } from '../model/defined.js';
import type { CaseJudge } from '../model/judge.js';
import type { CaseParams } from '../model/suite-types.js';
import type { ReporterName } from '../report/write-reports.js';
import type { RunHeader } from '../run/run-plan.js';
import { ExitCode, PerfsuiteError, SuiteError, UsageError } from '../model/errors.js';
import { checkHost } from '../plan/check-host.js';
import { planCases } from '../plan/plan-cases.js';
import { REPORTERS } from '../report/write-reports.js';
import { readBaselineFile } from '../results/read-results.js';
import { describeSelection } from './format-plan.js';
import { type CliIo, realPath, warnRun } from './io.js';
import { readSuiteFiles, type SelectOptions, selectFromOptions, type SuiteOptions } from './options.js';
import { readHistoryForRun } from './read-history.js';
import { acceptContext } from './accept-context.js';

/** What `perfsuite run` was asked to do. */
export interface RunOptions extends SuiteOptions, SelectOptions {
  readonly out: string;
  readonly overrides: CaseParams;
  readonly version: string;
  /** Reports besides results.json, which is always written. */
  readonly reporters: readonly ReporterName[];
  /** results.json of an earlier run to judge `regression:` tolerances against. */
  readonly baseline?: string | undefined;
  /** A history file (JSON Lines) to judge `regression:` tolerances against. */
  readonly history?: string | undefined;
  /** Seeds every random choice (the interleaved order of `compare:` arms, `shuffle`); recorded in results.json. */
  readonly seed: number;
  /** Run the cases in an order shuffled from `seed` (`--shuffle`). */
  readonly shuffle?: boolean;
  readonly failOnInconclusive: boolean;
  /** What a baseline or history that matched no case does to the run: fail it (the default), or only warn. */
  readonly missingBaseline?: 'fail' | 'warn';
}

/**
 * Everything `run` checks and reads before it touches the output directory: the suites, the cases chosen, the plan,
 * the baseline and history (as the judges of the run), netperf's version, where the run came from and on what (the
 * header of results.json), this host's fitness for the suites, and an output directory that would not overwrite the
 * baseline. Nothing has started when this throws.
 */
export async function prepareRun(files: readonly string[], options: RunOptions, io: CliIo) {
  // `--shuffle 5` reads 5 as a suite file: say what was meant
  const number = options.shuffle === true ? files.find((file) => /^\d+$/.test(file) && !existsSync(path.resolve(io.cwd, file))) : undefined;
  if (number !== undefined)
    throw new UsageError(`--shuffle takes no value, so '${number}' was read as a suite file; the order comes from the seed: --shuffle --seed ${number}`);
  // netperf's version is asked first, so the probe runs while the suites are parsed and validated (docs/architecture.md,
  // "Before the first netperf"); it only reads, so a suite that is refused leaves nothing behind
  const version = netperfVersion();
  const read = readSuiteFiles(files, options, io, options.overrides);
  const chosen = selectFromOptions(read.cases, options);
  const plan = { ...planCases(read.suites, chosen.cases), suites: read.suites };
  const selection = chosen.selected === undefined ? undefined : { ...chosen.selected, plannedCases: chosen.cases.map((c) => c.id) };
  // --missing-baseline warn covers a baseline file that does not exist too (a first run, an evicted cache): warned, then run without it
  const absent = options.baseline !== undefined && options.missingBaseline === 'warn' && !existsSync(path.resolve(io.cwd, options.baseline));
  if (absent) warnNoBaseline(options.baseline ?? '', io);
  const baseline = options.baseline === undefined || absent ? undefined : readBaselineFile(options.baseline, io.cwd);
  const history = options.history === undefined ? undefined : readHistoryForRun(options.history, io);
  // independent probes, so they run at once: netperf's version (asked above) and where the run came from (git)
  const [netperf, provenance] = await Promise.all([version, describeProvenance(options.version, read.suites, plan.servers, { env: io.env, cwd: io.cwd })]);
  if (netperf === undefined) throw new PerfsuiteError(`netperf is not installed or not on PATH; install it with: ${netperfInstallHint()}`, ExitCode.unmeasured);
  const hostProblems = checkHost(chosen.cases, read.suites, hostFacts());
  if (hostProblems.length > 0) throw new SuiteError(hostProblems);
  if (selection !== undefined) await io.stdout(`${describeSelection(selection).join('\n')}\n`);
  if (options.shuffle === true) await io.stdout(`cases in a shuffled order: seed ${options.seed} (--shuffle --seed ${options.seed} repeats it)\n`);
  const outDir = path.resolve(io.cwd, options.out);
  if (options.baseline !== undefined && realPath(path.join(outDir, REPORTERS.json.file)) === realPath(path.resolve(io.cwd, options.baseline))) {
    throw new UsageError(`--out ${options.out} would overwrite the baseline ${options.baseline}; pass another --out (or copy the baseline elsewhere first)`);
  }
  const environment = describeEnvironment(options.version, netperf);
  const { failOnInconclusive } = options;
  const startedAt = new Date().toISOString();
  const untils = chosen.cases.flatMap((c) => c.accept.map((a) => ('date' in a.until ? a.until.date : a.until.commit)));
  const firstSuite = read.suites[0];
  const suiteDir = firstSuite === undefined ? io.cwd : path.dirname(path.resolve(io.cwd, firstSuite.file));
  const judges: CaseJudge[] = [
    ...(baseline === undefined || options.baseline === undefined ? [] : [baselineJudge(baseline, options.baseline, { failOnInconclusive })]),
    ...(history === undefined
      ? []
      : [historyJudge(history, { environment, provenance }, { fingerprint: fingerprintOf(environment, provenance), failOnInconclusive })]),
    // last: a regression any of the above found may be one the suite accepts
    ...(untils.length === 0 ? [] : [acceptJudge(await acceptContext(untils, { startedAt, commit: provenance.commit }, suiteDir))]),
  ];
  const header: RunHeader = {
    startedAt,
    environment,
    provenance,
    seed: options.seed,
    ...(options.shuffle === true ? { shuffled: true } : {}),
    ...(failOnInconclusive ? { failOnInconclusive: true } : {}),
    ...(options.missingBaseline === 'warn' ? { missingBaseline: 'warn' as const } : {}),
    ...defined({ selection }),
  };
  return { plan, outDir, judges, header, netperf };
}

function warnNoBaseline(file: string, io: CliIo): void {
  const message = `--baseline ${file} does not exist, so no case is judged against a baseline this time (--missing-baseline warn): the run is judged on thresholds only`;
  warnRun(io, 'no baseline', message);
}
