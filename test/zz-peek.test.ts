import { it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { comparedSweep } from './report/fixtures.js';
import { renderMarkdown } from '../src/report/render-markdown.js';
import { renderHtml } from '../src/report/render-html.js';
import { renderJunit } from '../src/report/render-junit.js';
import { renderAnnotations } from '../src/report/render-github.js';
import { formatComparisonSummary, formatCaseLine } from '../src/cli/console-reporter.js';
it('peek', () => {
  const r = comparedSweep();
  writeFileSync('/tmp/scratch/compared.md', renderMarkdown(r));
  writeFileSync('/tmp/scratch/compared.html', renderHtml(r));
  writeFileSync('/tmp/scratch/compared.junit.xml', renderJunit(r));
  writeFileSync('/tmp/scratch/annotations.txt', renderAnnotations(r, { workspace: '/repo', cwd: '/repo' }));
  const cases = r.suites[0]!.cases;
  writeFileSync('/tmp/scratch/console.txt', cases.map((c, i) => formatCaseLine(c, i, cases.length, { color: false })).join('\n') + '\n\n' + formatComparisonSummary(r, { color: false }));
});
