import { createRequire } from 'node:module';
import type { Builder, TestCase, TestSuite } from 'junit-report-builder';
import type { CaseResult, RunResult } from '../model/results.js';
import { PARAM_ORDER } from '../model/suite-types.js';
import { failureLocation, failuresOf, type Failure } from './failure-view.js';
import { caseName, paramText } from './group-view.js';
import { describeFailure, describeRegression, inconclusiveNote } from './report-text.js';
import { shellQuote } from '../model/shell-quote.js';
import { retryNote } from './retry-note.js';
import { evidenceText, explainedOf } from './evidence-view.js';

// required, not imported: an ESM import of this CommonJS package makes Node scan lodash (540 KB) for its exports
// first, ~250 ms before a run's first netperf; require skips that scan
const junit = createRequire(import.meta.url)('junit-report-builder') as Builder;

/** XML 1.0 cannot carry most control characters, even in CDATA; netperf output rarely has them, but never break the file. */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD]/gu;

function xmlText(text: string): string {
  return text.replace(NOT_XML, '\uFFFD');
}

/** Seconds rounded to milliseconds, as JUnit consumers expect. */
function seconds(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** junit-report-builder has no setter for these attributes of the perfsuite schema (`line`, `hostname`, a suite's `file`). */
function setAttribute(node: TestCase | TestSuite, name: string, value: string | number): void {
  (node as unknown as { _attributes: Record<string, string | number> })._attributes[name] = value;
}

/** Notes (why it regressed, inconclusive comparisons, retries), then the netperf commands and their output, for <system-out>. */
function systemOut(c: CaseResult): string {
  const retried = retryNote(c);
  const notes = [
    ...explainedOf(c).map(evidenceText),
    ...(c.regressions ?? []).filter((r) => r.verdict === 'inconclusive').map((r) => `${describeRegression(r, c.params.test)} (${r.file}:${r.line})`),
    ...(retried === undefined ? [] : [retried]),
  ];
  const runs = c.netperf.map((run) => {
    const lines = [`$ ${run.argv.map(shellQuote).join(' ')}`, run.stdout.trimEnd()];
    if (run.stderr.trim() !== '') lines.push(`stderr:\n${run.stderr.trimEnd()}`);
    const how = run.timedOut ? 'timed out' : run.signal !== null ? `killed by ${run.signal}` : `exit ${run.exitCode ?? '?'}`;
    lines.push(`(${how} after ${seconds(run.durationSeconds)} s)`);
    return lines.filter((line) => line !== '').join('\n');
  });
  return [...notes, ...runs].join('\n\n');
}

function failureText(failure: Failure): string {
  const where = failureLocation(failure);
  return `${describeFailure(failure)} (${where.file}:${where.line})`;
}

/**
 * junit.xml: one <testsuite> per suite file and one <testcase> per case, `classname` `<suite>.<group>`, `file`/`line` at
 * the first failed threshold or regression (else the case), <failure> for those, <error> for cases that could not be
 * measured.
 */
export function renderJunit(result: RunResult): string {
  const builder = junit.newBuilder().name('perfsuite');
  const failures = failuresOf(result);
  for (const suite of result.suites) {
    const testSuite = builder
      .testSuite()
      .name(suite.name)
      .timestamp(result.startedAt.replace(/\.\d+Z$|Z$/, ''))
      .time(seconds(suite.cases.reduce((sum, c) => sum + c.durationSeconds, 0)));
    setAttribute(testSuite, 'hostname', result.environment.hostname);
    setAttribute(testSuite, 'file', suite.file);
    testSuite
      .property('netperf.version', result.environment.netperfVersion)
      .property('perfsuite.version', result.environment.perfsuiteVersion)
      .property('kernel', result.environment.kernel);
    for (const c of suite.cases) {
      const own = failures.filter((f) => f.case === c);
      // runs in file order, so the first failed threshold is the one the user meets first in the YAML
      const first = own.filter((f) => f.kind !== 'error').sort((a, b) => failureLocation(a).line - failureLocation(b).line)[0];
      const where = first === undefined ? { file: c.file, line: c.line } : failureLocation(first);
      const testCase = testSuite.testCase().className(`${suite.name}.${c.group}`).name(caseName(suite, c)).file(where.file).time(seconds(c.durationSeconds));
      setAttribute(testCase, 'line', where.line);
      for (const param of PARAM_ORDER) {
        const text = paramText(c, param);
        if (text !== '') testCase.property(`param.${param}`, xmlText(text));
      }
      for (const [metric, value] of Object.entries(c.metrics)) testCase.property(`metric.${metric}`, String(value));
      // a case that passed only after its server was restarted says so: its figures may be a restarted netserver's
      if (c.retries > 0) {
        testCase.property('retries', String(c.retries));
        testCase.property('retried', xmlText(retryNote(c) ?? ''));
        (c.retryReasons ?? []).forEach((reason, i) => testCase.property(`retry.${i + 1}`, xmlText(`${reason.kind}: ${reason.message}`)));
      }
      for (const r of c.regressions ?? []) {
        if (r.againstValue !== null) testCase.property(`${r.source}.${r.metric}`, String(r.againstValue));
        testCase.property(`regression.${r.metric}`, xmlText(describeRegression(r)));
        // an inconclusive comparison passes (unless --fail-on-inconclusive), but the note travels with the case
        if (r.verdict === 'inconclusive') testCase.property(`inconclusive.${r.metric}`, xmlText(inconclusiveNote(r)));
      }
      if (c.status === 'error') {
        testCase.error(xmlText(`${c.error?.kind ?? 'error'}: ${c.error?.message ?? ''}`), c.error?.kind ?? 'error');
      } else if (first !== undefined) {
        testCase.failure(xmlText(failureText(first)), first.kind);
        testCase.stacktrace(xmlText(own.map(failureText).join('\n')));
      } else if (c.status === 'skipped') {
        testCase.skipped();
      }
      const out = systemOut(c);
      if (out !== '') testCase.standardOutput(xmlText(out));
    }
  }
  return `${builder.build()}\n`;
}
