import { Command } from '@commander-js/extra-typings';
import type { CliIo, Exit } from './io.js';
import { parseReporters } from './reporters.js';
import { report } from './rerender.js';

export function command(io: CliIo, exit: Exit) {
  return new Command('compare')
    .argument('<baseline>', 'results.json of the earlier run')
    .argument('<results>', 'results.json of the run to judge')
    .description("judge a run against a baseline with each group's regression: tolerances; exit 1 on a regression")
    .option('--out <dir>', 'also write the reports, with the comparison, into this directory')
    .option('--reporter <names>', 'reports to write with --out: json, junit, markdown, html (comma-separated)', 'json,junit,markdown,html')
    .action(async (baseline, results, options) => {
      const reporters = options.out === undefined ? [] : parseReporters(options.reporter);
      exit(await report([results], { out: options.out, baseline, baselineRole: 'baseline ', reporters }, io));
    });
}
