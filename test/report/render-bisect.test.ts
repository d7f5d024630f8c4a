import { describe, expect, it } from 'vitest';
import type { BisectRecord } from '../../src/run/bisect-search.js';
import { bisectHeadline, formatStepChange, formatStepLine, renderBisectHtml, renderBisectMarkdown } from '../../src/report/render-bisect.js';

const hash = (c: string): string => c.repeat(40);
const step = (
  commit: string,
  verdict: BisectRecord['steps'][number]['verdict'],
  change: number | null,
  extra: Partial<BisectRecord['steps'][number]> = {},
) => ({
  commit: hash(commit),
  kind: 'probe' as const,
  verdict,
  metric: 'throughput',
  change,
  ...(change === null ? {} : { lower: change - 0.01, upper: change + 0.01 }),
  rounds: change === null ? 0 : 7,
  seconds: 21.4,
  subject: `subject of ${commit}`,
  author: 'A U Thor <a@example.com>',
  results: `steps/x-${commit}/results.json`,
  ...extra,
});

const FOUND: BisectRecord = {
  bisectVersion: 1,
  state: 'found',
  startedAt: '2026-12-07T20:00:00.000Z',
  finishedAt: '2026-12-07T20:02:00.000Z',
  suites: ['bisect.yml'],
  seed: 7,
  good: hash('a'),
  goodSubject: 'start',
  bad: hash('f'),
  badSubject: 'the end',
  commitsInRange: 5,
  firstBad: hash('c'),
  firstBadSubject: 'halve the <rate> | now',
  firstBadAuthor: 'A U Thor <a@example.com>',
  steps: [
    step('f', 'regressed', -0.5, { kind: 'confirm' }),
    step('b', 'skipped', null, { note: 'setup of b/probe failed: exit 1' }),
    step('c', 'regressed', -0.498),
    step('d', 'unchanged', 0.001),
  ],
};

describe('bisect reports', () => {
  it('print a step as commit, subject, verdict and what it means, change with bounds, rounds, time', () => {
    expect(formatStepLine(FOUND.steps[0]!, 0)).toBe(
      `step 1 (confirm bad)  ffffffffffff  subject of f  regressed: bad is worse than good  throughput −50.0% [−51.0%, −49.0%]  7 rounds  21s`,
    );
    expect(formatStepLine(FOUND.steps[1]!, 1)).toBe(`step 2  bbbbbbbbbbbb  subject of b  skipped: its setup failed  —  21s  (setup of b/probe failed: exit 1)`);
    expect(formatStepChange({ metric: 'loss', change: 0.4 })).toBe('loss +0.40 pp');
  });

  it('lead report.md with the culprit, its full hash, subject and author, then the step table', () => {
    const md = renderBisectMarkdown(FOUND);
    expect(md.split('\n').slice(0, 6)).toEqual([
      '## 🎯 perfsuite bisect: first bad commit cccccccccccc: halve the <rate> | now',
      '',
      'good aaaaaaaaaaaa (start) · bad ffffffffffff (the end) · 5 commits on the first-parent line · 4 steps in 1m 26s · seed 7',
      '',
      `**First bad commit:** \`${hash('c')}\` halve the <rate> | now  `,
      'Author: A U Thor <a@example.com>',
    ]);
    expect(md).toContain('| 3 | cccccccccccc | subject of c | regressed: bad | throughput −49.8% [−50.8%, −48.8%] | 7 | 21s | steps/x-c/results.json |');
    expect(md).toContain('| 2 | bbbbbbbbbbbb | subject of b | skipped: its setup failed | — — setup of b/probe failed: exit 1 | 0 | 21s |');
  });

  it('escape report.html and tint the rows by verdict', () => {
    const html = renderBisectHtml(FOUND);
    expect(html).toContain(`<code>${hash('c')}</code> halve the &lt;rate&gt; | now<br>Author: A U Thor &lt;a@example.com&gt;`);
    expect(html.match(/<tr class="(\w+)">/g)).toEqual(['<tr class="regressed">', '<tr class="skipped">', '<tr class="regressed">', '<tr class="unchanged">']);
    expect(html).not.toContain('<rate>');
  });

  it('say how far an undecided or interrupted search narrowed, never naming a culprit', () => {
    const range = {
      good: hash('b'),
      bad: hash('d'),
      commits: [
        { commit: hash('c'), subject: 'c', author: 'x' },
        { commit: hash('d'), subject: 'd', author: 'x' },
      ],
    };
    const undecided: BisectRecord = { ...FOUND, state: 'undecided', reason: 'the step on commit cccccccccccc was inconclusive', range };
    delete (undecided as { firstBad?: string }).firstBad;
    expect(bisectHeadline(undecided)).toEqual({
      mark: '⚠️',
      text: 'could not decide (the step on commit cccccccccccc was inconclusive); the first bad commit is one of 2 commits after bbbbbbbbbbbb up to dddddddddddd',
    });
    expect(renderBisectMarkdown(undecided)).toContain(`Commits that may be the first bad one:\n\n- \`${hash('c')}\` c\n- \`${hash('d')}\` d\n`);
    expect(bisectHeadline({ ...undecided, state: 'interrupted' }).text).toBe(
      'interrupted after 4 steps; the first bad commit is one of 2 commits after bbbbbbbbbbbb up to dddddddddddd',
    );
    expect(bisectHeadline({ ...FOUND, state: 'not-worse' }).text).toBe('bad ffffffffffff is not worse than good aaaaaaaaaaaa: nothing to search');
  });
});
