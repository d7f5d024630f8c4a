/**
 * What `perfsuite bisect` writes and says: the opening line, bisect.json (saved after every step and at the end), the
 * step lines and the progress line, the closing text, report.md and report.html, and the GitHub job summary.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { CommitInfo } from '../exec/git-worktree.js';
import { plural } from '../model/words.js';
import { bisectHeadline, renderBisectHtml, renderBisectMarkdown, shortCommit } from '../report/render-bisect.js';
import { formatDuration } from '../model/format-metric.js';
import { writeFileAtomic } from '../report/write-reports.js';
import { type BisectEnd, type BisectRecord, type BisectStep, stepsToNarrow } from '../run/bisect-search.js';
import { stepName } from './bisect-step.js';
import type { CliIo } from './io.js';
import type { BisectSetup } from './prepare-bisect.js';

/** The first line on stdout: the range, about how many steps of how many cases, and the seed. */
export function opening(setup: BisectSetup, seed: number): string {
  const { arms, commits, good, bad, plan } = setup;
  const leftOut = arms.leftOut === 0 ? '' : ` (${plural(arms.leftOut, 'case')} outside compare: groups left out)`;
  return `bisect: ${plural(commits.length, 'commit')} on the first-parent line after good ${shortCommit(good)} up to bad ${shortCommit(bad)}; about ${plural(stepsToNarrow(commits.length) + 1, 'A/B step')} of ${plural(plan.cases.length, 'case')}${leftOut}, seed ${seed}`;
}

/** bisect.json in `outDir`: the steps so far, saved whole at each `save`. */
export function bisectJournal(outDir: string, files: readonly string[], seed: number, setup: BisectSetup) {
  const { good, bad, commits, info } = setup;
  const startedAt = new Date().toISOString();
  const steps: BisectRecord['steps'][number][] = [];
  const record = (state: BisectRecord['state'], end?: BisectEnd): BisectRecord => {
    const range = end === undefined || end.kind === 'found' || end.kind === 'not-worse' ? undefined : end.range;
    const firstBad = end?.kind === 'found' ? info(end.firstBad) : undefined;
    return {
      bisectVersion: 1,
      state,
      ...(end?.kind === 'undecided' ? { reason: end.reason } : {}),
      startedAt,
      ...(state === 'running' ? {} : { finishedAt: new Date().toISOString() }),
      suites: files,
      seed,
      good,
      goodSubject: info(good).subject,
      bad,
      badSubject: info(bad).subject,
      commitsInRange: commits.length,
      ...(firstBad === undefined ? {} : { firstBad: firstBad.commit, firstBadSubject: firstBad.subject, firstBadAuthor: firstBad.author }),
      ...(range === undefined ? {} : { range: { good: range.good, bad: range.bad, commits: range.commits.map(info) } }),
      steps,
    };
  };
  const save = (state: BisectRecord['state'], end?: BisectEnd): BisectRecord => {
    const whole = record(state, end);
    mkdirSync(outDir, { recursive: true });
    writeFileAtomic(path.join(outDir, 'bisect.json'), `${JSON.stringify(whole, null, 2)}\n`);
    return whole;
  };
  /** Records a finished step with its commit's subject and author and saves; returns the step as recorded. */
  const addStep = (step: BisectStep, index: number): BisectRecord['steps'][number] => {
    const described = info(step.commit);
    const done = {
      ...step,
      subject: described.subject,
      author: described.author,
      results: path.join('steps', stepName(index, step.commit), 'results.json'),
    };
    steps.push(done);
    save('running');
    return done;
  };
  return { save, addStep };
}

/** Writes report.md and report.html, and on GitHub Actions appends report.md to the job summary. */
export function publishBisect(record: BisectRecord, outDir: string, io: CliIo): void {
  const markdown = renderBisectMarkdown(record);
  writeFileAtomic(path.join(outDir, 'report.md'), markdown);
  writeFileAtomic(path.join(outDir, 'report.html'), renderBisectHtml(record));
  const summary = io.env['GITHUB_STEP_SUMMARY'];
  if (summary !== undefined && summary !== '') appendFileSync(summary, `${markdown}\n`);
}

/** The most commits of an undecided range the console lists. */
const MAX_LISTED = 20;

/** What the console says at the end: the culprit with its subject and author, or why there is none, and where the files are. */
export function closing(record: BisectRecord): string {
  const { text } = bisectHeadline(record);
  const lines: string[] = [];
  if (record.firstBad !== undefined) {
    lines.push(`first bad commit: ${record.firstBad}`, `  ${record.firstBadSubject ?? ''}`, `  author: ${record.firstBadAuthor ?? ''}`);
  } else {
    lines.push(`bisect: ${text}`);
    // a long range (an interruption before the first step) is shown by its ends; bisect.json lists every commit
    const commits = record.range?.commits ?? [];
    const shown = commits.length <= MAX_LISTED ? commits : [...commits.slice(0, MAX_LISTED / 2), ...commits.slice(-MAX_LISTED / 2)];
    for (const [i, c] of shown.entries()) {
      if (i === MAX_LISTED / 2 && shown.length < commits.length) lines.push(`  … ${commits.length - shown.length} more (bisect.json lists every one)`);
      lines.push(`  ${c.commit}  ${c.subject}`);
    }
  }
  const seconds = record.steps.reduce((sum, step) => sum + step.seconds, 0);
  lines.push(`${plural(record.steps.length, 'step')} in ${formatDuration(seconds)}; wrote bisect.json, report.md and report.html`);
  return lines.join('\n');
}

/** Step lines on stdout; on a terminal (not CI) a progress line with the steps and time still to come. */
export function bisectProgress(io: CliIo) {
  const showProgress = io.isTTY && io.env['CI'] === undefined;
  const clear = showProgress ? '\r\x1b[K' : '';
  const seconds: number[] = [];
  return {
    warn: (message: string): void => io.stderr(`${clear}perfsuite: warning: ${message}\n`),
    stepStarted: (index: number, commit: CommitInfo, remaining: number, estimatedSeconds: number): void => {
      if (!showProgress) return;
      const perStep = seconds.length === 0 ? estimatedSeconds : seconds.reduce((a, b) => a + b, 0) / seconds.length;
      io.stderr(
        `${clear}step ${index + 1}: ${shortCommit(commit.commit)} ${commit.subject}  (about ${plural(remaining, 'step')} after this one, eta ${formatDuration(perStep * (remaining + 1))})`,
      );
    },
    stepFinished: async (line: string, stepSeconds: number): Promise<void> => {
      seconds.push(stepSeconds);
      if (showProgress) io.stderr(clear);
      await io.stdout(`${line}\n`);
    },
    end: (): void => {
      if (showProgress) io.stderr(clear);
    },
  };
}
