import { existsSync } from 'node:fs';
import path from 'node:path';
import { describeProvenance, hostFacts, netperfInstallHint, netperfVersion } from '../exec/environment.js';
import { ExitCode, PerfsuiteError, SuiteError, UsageError } from '../model/errors.js';
import { checkHost } from '../plan/check-host.js';
import { planCases } from '../plan/plan-cases.js';
import { REPORTERS } from '../report/write-reports.js';
import { readBaselineFile } from '../results/read-results.js';
import { describeSelection } from './format-plan.js';
import { type CliIo, realPath, warnRun } from './io.js';
import { readSuiteFiles, selectFromOptions } from './options.js';
import { readHistoryForRun } from './read-history.js';
import type { RunOptions } from './run.js';

/**
 * Everything `run` checks and reads before it touches the output directory: the suites, the cases chosen, the plan,
 * the baseline and history, netperf's version, where the run came from, this host's fitness for the suites, and an
 * output directory that would not overwrite the baseline. Nothing has started when this throws.
 */
export async function prepareRun(files: readonly string[], options: RunOptions, io: CliIo) {
  // `--shuffle 5` reads 5 as a suite file: say what was meant
  const number = options.shuffle === true ? files.find((file) => /^\d+$/.test(file) && !existsSync(path.resolve(io.cwd, file))) : undefined;
  if (number !== undefined)
    throw new UsageError(`--shuffle takes no value, so '${number}' was read as a suite file; the order comes from the seed: --shuffle --seed ${number}`);
  const read = readSuiteFiles(files, options, io, options.overrides);
  const chosen = selectFromOptions(read.cases, options);
  const plan = { ...planCases(read.suites, chosen.cases), suites: read.suites };
  const selection = chosen.selected === undefined ? undefined : { ...chosen.selected, plannedCases: chosen.cases.map((c) => c.id) };
  // --missing-baseline warn covers a baseline file that does not exist too (a first run, an evicted cache): warned, then run without it
  const absent = options.baseline !== undefined && options.missingBaseline === 'warn' && !existsSync(path.resolve(io.cwd, options.baseline));
  if (absent) warnNoBaseline(options.baseline ?? '', io);
  const baseline = options.baseline === undefined || absent ? undefined : readBaselineFile(options.baseline, io.cwd);
  const history = options.history === undefined ? undefined : readHistoryForRun(options.history, io);
  // independent probes, so they run at once: netperf's version and where the run came from (git)
  const [netperf, provenance] = await Promise.all([
    netperfVersion(),
    describeProvenance(options.version, read.suites, plan.servers, { env: io.env, cwd: io.cwd }),
  ]);
  if (netperf === undefined) throw new PerfsuiteError(`netperf is not installed or not on PATH; install it with: ${netperfInstallHint()}`, ExitCode.unmeasured);
  const hostProblems = checkHost(chosen.cases, read.suites, hostFacts());
  if (hostProblems.length > 0) throw new SuiteError(hostProblems);
  if (selection !== undefined) await io.stdout(`${describeSelection(selection).join('\n')}\n`);
  if (options.shuffle === true) await io.stdout(`cases in a shuffled order: seed ${options.seed} (--shuffle --seed ${options.seed} repeats it)\n`);
  const outDir = path.resolve(io.cwd, options.out);
  if (options.baseline !== undefined && realPath(path.join(outDir, REPORTERS.json.file)) === realPath(path.resolve(io.cwd, options.baseline))) {
    throw new UsageError(`--out ${options.out} would overwrite the baseline ${options.baseline}; pass another --out (or copy the baseline elsewhere first)`);
  }
  return { plan, selection, baseline, history, netperf, provenance, outDir };
}

function warnNoBaseline(file: string, io: CliIo): void {
  const message = `--baseline ${file} does not exist, so no case is judged against a baseline this time (--missing-baseline warn): the run is judged on thresholds only`;
  warnRun(io, 'no baseline', message);
}
