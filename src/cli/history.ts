import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Command } from '@commander-js/extra-typings';
import { UsageError } from '../model/errors.js';
import { appendEntry, DEFAULT_KEEP, historyEntry } from '../history/history-file.js';
import { trendReport } from '../history/trend.js';
import { readBaselineFile } from '../results/read-results.js';
import { writeFileAtomic } from '../report/write-reports.js';
import { changeText, renderTrendHtml, renderTrendMarkdown } from '../report/render-trend.js';
import { plural } from '../model/words.js';
import { type MetricName, METRICS } from '../model/metrics.js';
import type { ChangePoint } from '../model/history.js';
import type { CliIo, Exit } from './io.js';
import { readHistory, readHistoryFile } from './read-history.js';

export function command(io: CliIo, exit: Exit) {
  const history = new Command('history').description('keep a history of runs (JSON Lines) and show its trends and change points');
  history
    .command('add')
    .argument('<results.json>', 'results of a finished run')
    .requiredOption('--history <file>', 'the history file (created if missing)')
    .option('--keep <n>', `keep only the newest n entries (default ${DEFAULT_KEEP})`)
    .description('append a run to the history, atomically, keeping the newest entries')
    .action(async (results, options) => {
      const keep = options.keep === undefined ? DEFAULT_KEEP : parseKeep(options.keep);
      exit(await addToHistory(results, options.history, keep, io));
    });
  history
    .command('show')
    .argument('<file>', 'the history file')
    .option('--out <dir>', 'write report.html and report.md of the trends here')
    .option('--json', 'print the series and change points as JSON')
    .option('--min-change <percent>', 'smallest lasting shift reported as a change point', '5%')
    .description('each case and metric over the runs, with change points')
    .action(async (file, options) => {
      exit(await showHistory(file, { ...options, minChange: parseMinChange(options.minChange) }, io));
    });
  return history;
}

function parseKeep(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--keep ${text}: give a whole number of entries, 1 or more (like --keep 100)`);
  return n;
}

function parseMinChange(text: string): number {
  const match = /^(\d+(?:\.\d+)?)%?$/.exec(text.trim());
  if (match === null) throw new UsageError(`--min-change ${text}: give a percentage like 5%`);
  return Number(match[1]) / 100;
}

async function addToHistory(results: string, file: string, keep: number, io: CliIo): Promise<number> {
  // an unfinished run is refused there: only complete runs go into the history (a partial one would look like a change)
  const result = readBaselineFile(results, io.cwd, '');
  const { entries, newerLines, skipped } = readHistory(file, io);
  if (newerLines > 0)
    throw new UsageError(
      `${file} has ${plural(newerLines, 'entry', 'entries')} written by a newer perfsuite; adding to it would drop ${newerLines === 1 ? 'it' : 'them'}: upgrade perfsuite`,
    );
  const entry = historyEntry(result);
  // the same run added twice would count its level twice (in the test and in the learned band)
  if (entries.some((e) => e.date === entry.date && e.provenance.commit === entry.provenance.commit && e.provenance.ciRunId === entry.provenance.ciRunId)) {
    await io.stdout(`${results} (started ${entry.date}) is already in ${file}; nothing added\n`);
    return 0;
  }
  const appended = appendEntry(entries, entry, keep, skipped);
  const absolute = path.resolve(io.cwd, file);
  mkdirSync(path.dirname(absolute), { recursive: true });
  // the whole file is rewritten to a temporary file and renamed over the old one: a crash leaves the old or the new
  writeFileAtomic(absolute, appended.text);
  const cases = Object.keys(entry.cases).length;
  await io.stdout(
    `added ${results} to ${file} (${plural(cases, 'case')}${entry.provenance.commit === undefined ? '' : `, commit ${entry.provenance.commit.slice(0, 8)}`}): ${plural(appended.kept, 'entry', 'entries')}${appended.dropped > 0 ? `, the oldest ${appended.dropped} dropped (--keep ${keep})` : ''}${skipped.length > 0 ? `; the ${plural(skipped.length, 'line')} it could not read kept as they were` : ''}\n`,
  );
  return 0;
}

async function showHistory(file: string, options: { readonly out?: string; readonly json?: boolean; readonly minChange: number }, io: CliIo): Promise<number> {
  if (!existsSync(path.resolve(io.cwd, file)))
    throw new UsageError(`no history file ${file}; create one with perfsuite history add <results.json> --history ${file}`);
  const entries = readHistoryFile(file, io);
  const report = trendReport(entries, { minChange: options.minChange });
  // a history of 1,000 runs × 200 cases makes about 70 MB of JSON: written series by series, never as one string
  if (options.json === true) {
    await io.stdout('{"series":[');
    for (const [i, series] of report.series.entries()) await io.stdout(`${i === 0 ? '' : ','}${JSON.stringify(series)}`);
    await io.stdout(`],"changePoints":${JSON.stringify(report.changePoints)}}\n`);
  } else {
    const lines = [
      `${file}: ${plural(entries.length, 'entry', 'entries')}, ${report.series.length} series, ${plural(report.changePoints.length, 'change point')}`,
    ];
    const series = new Map(report.series.map((s) => [`${s.case}\0${s.metric}`, s]));
    for (const c of report.changePoints) {
      lines.push(
        `  ${c.case} ${c.metric}: ${changeText(c)} from entry ${c.index}${c.commit === undefined ? '' : ` (${c.commit.slice(0, 8)})`} ${c.date.slice(0, 10)}, ${c.p < 0.001 ? 'p < 0.001' : `p = ${c.p.toFixed(3)}`}`,
      );
      // the last entry before the shift is the good end of the search, the first after it the bad one
      const good = series.get(`${c.case}\0${c.metric}`)?.points.findLast((p) => p.index < c.index)?.commit;
      // an improvement has no culprit to find
      if (good !== undefined && c.commit !== undefined && good !== c.commit && worsens(c)) {
        lines.push(`    find the commit: perfsuite bisect <suite ${c.case.split('/')[0] ?? ''}> --good ${good} --bad ${c.commit}`);
      }
    }
    await io.stdout(`${lines.join('\n')}\n`);
  }
  if (options.out !== undefined) {
    const dir = path.resolve(io.cwd, options.out);
    mkdirSync(dir, { recursive: true });
    const meta = { title: `perfsuite history: ${path.basename(file)}`, generatedAt: new Date().toISOString() };
    writeFileAtomic(path.join(dir, 'report.html'), renderTrendHtml(report, meta));
    writeFileAtomic(path.join(dir, 'report.md'), renderTrendMarkdown(report, meta));
    if (options.json !== true) await io.stdout(`wrote ${path.join(options.out, 'report.html')} and report.md\n`);
  }
  return 0;
}

/** Whether a change point moved its metric the bad way (a metric perfsuite does not know counts as worse). */
function worsens(point: ChangePoint): boolean {
  const better = (METRICS as Partial<Record<string, (typeof METRICS)[MetricName]>>)[point.metric]?.better;
  return better === undefined || (better === 'higher' ? point.after < point.before : point.after > point.before);
}
