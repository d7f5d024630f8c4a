import { Command } from '@commander-js/extra-typings';
import { spawnNetperf } from '../exec/run-netperf.js';
import type { NetperfExecutor } from '../model/seams.js';
import { createServerPool } from '../exec/server-pool.js';
import { preloadReporters, REPORTERS, resultsSink } from '../report/write-reports.js';
import { verdictOf } from '../results/verdict.js';
import { runPlan, type RunOutcome } from '../run/run-plan.js';
import { type CliIo, type Exit, untilStopped, useColor } from './io.js';
import { lockOut, stoppedWriting, unwritableOut } from './out-dir.js';
import { DEFAULT_OUT_DIR, judgeOptions, overrideOptions, parseOverrides, seedOf, selectOptions, suiteOptions } from './options.js';
import { parseReporters } from './reporters.js';
import type * as PublishResults from './publish-results.js';
import { runProgress } from './run-progress.js';
import { prepareRun, type RunOptions } from './prepare-run.js';

/** What writes the reports and says the verdict: loaded while the first case runs. */
type PublishModule = typeof PublishResults;

export function command(io: CliIo, exit: Exit, version: string) {
  return new Command('run')
    .argument('<files...>', 'suite files or globs')
    .description(
      'run every case with netperf, judge thresholds (and regressions with --baseline), write results.json after each case and the reports at the end',
    )
    .addOption(suiteOptions.var())
    .addOption(suiteOptions.maxCases())
    .addOption(selectOptions.filter())
    .addOption(selectOptions.shard())
    .option('--out <dir>', 'directory for results.json and the reports', DEFAULT_OUT_DIR)
    .addOption(overrideOptions.repeat())
    .addOption(overrideOptions.duration())
    .option('--reporter <names>', 'reports to write besides results.json: junit, markdown, html (comma-separated)', 'junit,markdown,html')
    .option('--baseline <results.json>', "judge each group's regression: tolerances against this earlier run (exit 1 on a regression)")
    .option('--history <file>', "judge each group's regression: tolerances against the history of earlier runs (perfsuite history add); exit 1 on a regression")
    .addOption(judgeOptions.seed())
    .option(
      '--shuffle',
      'run the cases in a random order seeded by --seed, to expose order effects (a compare: group moves as one); results.json lists them in suite order',
    )
    .addOption(judgeOptions.missingBaseline())
    .addOption(judgeOptions.failOnInconclusive())
    .action(async (files, options) => {
      const reporters = parseReporters(options.reporter).filter((name) => name !== 'json');
      const shuffle = options.shuffle === true;
      const failOnInconclusive = options.failOnInconclusive === true;
      exit(await run(files, { ...options, overrides: parseOverrides(options), version, reporters, seed: seedOf(options), shuffle, failOnInconclusive }, io));
    });
}

/** `perfsuite run`: validates, then measures every case (results.json kept as it goes), then the reports; returns the exit code. */
export async function run(files: readonly string[], options: RunOptions, io: CliIo): Promise<number> {
  const { plan, outDir, judges, header, netperf } = await prepareRun(files, options, io);
  const lock = lockOut(outDir, options.out, io);
  try {
    const started = performance.now();
    const color = useColor(io);
    const progress = runProgress(plan, { shuffle: options.shuffle === true, color }, io);
    const controller = new AbortController();
    const pool = createServerPool(plan.servers, { netperfVersion: netperf, signal: controller.signal, cwd: io.cwd, env: io.env, warn: progress.warn });
    const sink = resultsSink(outDir);
    // SIGINT, SIGTERM, SIGHUP stop the run, not perfsuite, until the reports are written and the lock is given back
    return await untilStopped(controller, async () => {
      let outcome: RunOutcome;
      let publishing: Promise<PublishModule> | undefined;
      // what writes the reports loads while the first netperf measures: not before it, where compiling it would hold up
      // the netserver's start and the first case (docs/architecture.md, "Before the first netperf")
      const executor: NetperfExecutor = {
        run: (argv, runOptions) => {
          const running = spawnNetperf.run(argv, runOptions);
          if (publishing === undefined) {
            preloadReporters(options.reporters);
            publishing = import('./publish-results.js');
          }
          return running;
        },
      };
      try {
        outcome = await runPlan(plan, {
          executor,
          servers: pool,
          signal: controller.signal,
          now: () => performance.now(),
          seed: options.seed,
          shuffle: options.shuffle === true,
          failOnInconclusive: options.failOnInconclusive,
          judges,
          sink,
          header,
          onCaseStart: progress.onCaseStart,
          onCaseFinished: progress.onCaseFinished,
        });
      } catch (error) {
        throw sink.savedCases() === 0 ? unwritableOut(error, outDir) : error;
      } finally {
        for (const warning of pool.teardownWarnings()) io.stderr(`perfsuite: warning: ${warning}\n`);
        await progress.end();
      }
      if (outcome.sinkFailure !== undefined) throw stoppedWriting(outcome.sinkFailure, outDir);
      const { publishResults } = await (publishing ?? import('./publish-results.js'));
      await publishResults(
        outcome.result,
        {
          outDir,
          reporters: options.reporters,
          alreadyWritten: [REPORTERS.json.file],
          seconds: (performance.now() - started) / 1000,
          planned: plan.cases.length,
          color,
        },
        io,
      );
      return verdictOf(outcome.result).exitCode;
    });
  } finally {
    lock.release();
  }
}
