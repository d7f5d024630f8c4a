import { describe, expect, it } from 'vitest';
import { formatCaseLine } from '../../src/cli/case-line.js';
import type { CaseResult, RunResult } from '../../src/model/results.js';
import { renderHtml } from '../../src/report/render-html.js';
import { renderJunit } from '../../src/report/render-junit.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { retryNote } from '../../src/report/retry-note.js';
import { schemaErrors } from '../helpers.js';
import { recordedSweep } from './fixtures.js';

const DIED = {
  kind: 'netserver-died' as const,
  message: 'the netserver at 127.0.0.1:40001 went away during the test (or rejected the passphrase); check that it is still running',
};
const SAID = 'retried once after netserver-died: the netserver at 127.0.0.1:40001 went away during the test (or rejected the passphrase)';

/** The recorded sweep with its first case retried once (its netserver died and was restarted) and passed. */
function retriedRun(change: Partial<CaseResult> = { retries: 1, retryReasons: [DIED] }): { run: RunResult; retried: CaseResult } {
  const run = recordedSweep();
  const [suite] = run.suites;
  const [first, ...rest] = suite?.cases ?? [];
  if (suite === undefined || first === undefined) throw new Error('the recorded sweep has no case');
  const retried: CaseResult = { ...first, ...change };
  return { run: { ...run, suites: [{ ...suite, cases: [retried, ...rest] }] }, retried };
}

describe('a retried case says so', () => {
  it('words the retries with their reasons, once each, and without reasons for older results', () => {
    expect(retryNote({ retries: 0 })).toBeUndefined();
    expect(retryNote({ retries: 1, retryReasons: [DIED] })).toBe(SAID);
    expect(retryNote({ retries: 2, retryReasons: [DIED, DIED] })).toBe(`${SAID.replace('once', 'twice')}`);
    expect(retryNote({ retries: 2, retryReasons: [{ kind: 'no-netserver', message: 'no netserver is listening at 127.0.0.1:40001; start one' }, DIED] })).toBe(
      'retried twice after no-netserver: no netserver is listening at 127.0.0.1:40001; then netserver-died: the netserver at 127.0.0.1:40001 went away during the test (or rejected the passphrase)',
    );
    expect(retryNote({ retries: 1 })).toBe('retried once after an infrastructure failure (the server was checked and restarted if it had died)');
  });

  it('on the console line, before the time', () => {
    const { retried } = retriedRun();
    expect(formatCaseLine(retried, 0, 13, { color: false })).toMatch(
      new RegExp(`^✓ \\[ 1/13\\] sweep/bulk\\[nodelay=false,send_size=1K\\]  throughput .*  ${escape(SAID)}  \\d+\\.\\ds$`),
    );
    expect(formatCaseLine({ ...retried, retries: 0, retryReasons: [] }, 0, 13, { color: false })).not.toContain('retried');
  });

  it('in report.md, in the note column of its row', () => {
    const { run } = retriedRun();
    const row = renderMarkdown(run)
      .split('\n')
      .filter((line) => line.startsWith('| ✅ | 1K | false |'));
    expect(row).toHaveLength(1);
    expect(row[0]).toMatch(new RegExp(`\\| 🔁 ${escape(SAID)} \\|$`));
    expect(renderMarkdown(recordedSweep())).not.toContain('retried');
  });

  it('in report.html, in the note cell of its row', () => {
    const { run, retried } = retriedRun();
    const row = /<tr class="pass" data-case="([^"]*)">.*?<\/tr>/gs.exec(renderHtml(run));
    expect(row?.[1]).toBe(retried.id.replaceAll('"', '&quot;'));
    expect(row?.[0]).toContain(`<td class="text note">${SAID}</td></tr>`);
    expect(renderHtml(recordedSweep())).not.toContain('retried');
  });

  it('in junit.xml, as properties with the reason and in system-out, still valid against the schema', () => {
    const { run } = retriedRun();
    const xml = renderJunit(run);
    expect(schemaErrors(xml)).toBe('');
    const first = xml.slice(xml.indexOf('<testcase'), xml.indexOf('</testcase>'));
    expect(first).toContain('<property name="retries" value="1"/>');
    expect(first).toContain(`<property name="retried" value="${SAID}"/>`);
    expect(first).toContain(`<property name="retry.1" value="netserver-died: ${DIED.message}"/>`);
    expect(first).toMatch(new RegExp(`<system-out><!\\[CDATA\\[${escape(SAID)}\n\n\\$ netperf`));
    expect(renderJunit(recordedSweep())).not.toContain('retr');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
