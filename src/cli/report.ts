import { Command } from '@commander-js/extra-typings';
import { type CliIo, type Exit } from './io.js';
import { DEFAULT_OUT_DIR } from './options.js';
import { parseReporters } from './reporters.js';
import { report } from './rerender.js';

export function command(io: CliIo, exit: Exit) {
  return new Command('report')
    .argument('<results...>', 'results.json files of earlier runs')
    .description('re-render junit.xml, report.md and report.html from results.json alone (and the GitHub summary in Actions)')
    .option('--out <dir>', `directory for the reports (default: beside the results file; when joining several, ${DEFAULT_OUT_DIR}/)`)
    .option('--reporter <names>', 'reports to write: json, junit, markdown, html (default: junit,markdown,html; with several files also json)')
    .option('--baseline <results.json>', 'judge the results against this earlier run')
    .action(async (files, options) => {
      // joining shards makes a new run, so it gets a results.json; re-rendering one file leaves it alone
      const reporters = parseReporters(options.reporter ?? (files.length > 1 ? 'json,junit,markdown,html' : 'junit,markdown,html'));
      exit(await report(files, { out: options.out, baseline: options.baseline, reporters }, io));
    });
}
