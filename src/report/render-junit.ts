import type { CaseResult, RunResult } from '../model/results.js';
import { PARAM_ORDER } from '../model/suite-types.js';
import { failureLocation, failuresOf, type Failure } from './failure-view.js';
import { caseName, paramText } from './group-view.js';
import { acceptanceNote, describeFailure, describeRegression, inconclusiveNote } from './report-text.js';
import { shellQuote } from '../model/shell-quote.js';
import { retryNote } from './retry-note.js';
import { evidenceText, explainedOf } from './evidence-view.js';

/** XML 1.0 cannot carry most control characters, even in CDATA; netperf output rarely has them, but never break the file. */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function xmlText(text: string): string {
  return text.replace(NOT_XML, '\uFFFD');
}

/** Seconds rounded to milliseconds, as JUnit consumers expect. */
function seconds(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** An attribute's value: markup and the whitespace an attribute would fold escaped, as character references. */
function attribute(value: string | number): string {
  return xmlText(String(value)).replace(/[&<"\n\r\t]/g, (c) => ATTRIBUTE_ESCAPES[c] ?? c);
}
const ATTRIBUTE_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '"': '&quot;', '\n': '&#xA;', '\r': '&#xD;', '\t': '&#x9;' };

/** `name="value"` pairs in order; absent values are left out. */
function attributes(pairs: readonly (readonly [string, string | number | undefined])[]): string {
  return pairs
    .filter((pair): pair is readonly [string, string | number] => pair[1] !== undefined)
    .map(([name, value]) => ` ${name}="${attribute(value)}"`)
    .join('');
}

/** Text as CDATA: a `]]>` inside is split across two sections. */
function cdata(text: string): string {
  return `<![CDATA[${xmlText(text).replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

function properties(pairs: readonly (readonly [string, string])[], indent: string): string {
  if (pairs.length === 0) return '';
  const lines = pairs.map(
    ([name, value]) =>
      `${indent}  <property${attributes([
        ['name', name],
        ['value', value],
      ])}/>\n`,
  );
  return `${indent}<properties>\n${lines.join('')}${indent}</properties>\n`;
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
 * measured. Written case by case (`junitPieces`): a 10,000-case run's 14 MB file is never built whole in memory.
 */
export function renderJunit(result: RunResult): string {
  return [...junitPieces(result)].join('');
}

/** What junit.xml says of one case: where it points, and its failure (the first in file order), if any. */
interface JunitCase {
  readonly c: CaseResult;
  readonly where: { readonly file: string; readonly line: number };
  readonly own: readonly Failure[];
  readonly first: Failure | undefined;
}

function junitCase(c: CaseResult, failures: ReadonlyMap<CaseResult, Failure[]>): JunitCase {
  const own = failures.get(c) ?? [];
  // runs in file order, so the first failed threshold is the one the user meets first in the YAML
  const first = own.filter((f) => f.kind !== 'error').sort((a, b) => failureLocation(a).line - failureLocation(b).line)[0];
  return { c, own, first, where: first === undefined ? { file: c.file, line: c.line } : failureLocation(first) };
}

/** A suite's or the run's counts, as the <testsuite> and <testsuites> attributes give them. */
function counts(cases: readonly JunitCase[]): [string, number][] {
  const failed = cases.filter((j) => j.c.status !== 'error' && j.first !== undefined).length;
  return [
    ['tests', cases.length],
    ['failures', failed],
    ['errors', cases.filter((j) => j.c.status === 'error').length],
    ['skipped', cases.filter((j) => j.c.status !== 'error' && j.first === undefined && j.c.status === 'skipped').length],
  ];
}

/** junit.xml in pieces, a case at a time. */
export function* junitPieces(result: RunResult): Iterable<string> {
  const failures = new Map<CaseResult, Failure[]>();
  for (const failure of failuresOf(result)) failures.set(failure.case, [...(failures.get(failure.case) ?? []), failure]);
  const suites = result.suites.map((suite) => ({ suite, cases: suite.cases.map((c) => junitCase(c, failures)) }));
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attributes([['name', 'perfsuite'], ...counts(suites.flatMap((s) => s.cases))])}>\n`;
  for (const { suite, cases } of suites) {
    const time = seconds(suite.cases.reduce((sum, c) => sum + c.durationSeconds, 0));
    const timestamp = result.startedAt.replace(/\.\d+Z$|Z$/, '');
    yield `  <testsuite${attributes([['name', suite.name], ['timestamp', timestamp], ['time', time], ['hostname', result.environment.hostname], ['file', suite.file], ...counts(cases)])}>\n`;
    yield properties(
      [
        ['netperf.version', result.environment.netperfVersion],
        ['perfsuite.version', result.environment.perfsuiteVersion],
        ['kernel', result.environment.kernel],
      ],
      '    ',
    );
    for (const j of cases) yield testCase(suite.name, j, suite);
    yield '  </testsuite>\n';
  }
  yield '</testsuites>\n';
}

function testCase(suiteName: string, { c, where, own, first }: JunitCase, suite: RunResult['suites'][number]): string {
  const props: [string, string][] = [];
  for (const param of PARAM_ORDER) {
    const text = paramText(c, param);
    if (text !== '') props.push([`param.${param}`, text]);
  }
  for (const [metric, value] of Object.entries(c.metrics)) props.push([`metric.${metric}`, String(value)]);
  // a case that passed only after its server was restarted says so: its figures may be a restarted netserver's
  if (c.retries > 0) {
    props.push(['retries', String(c.retries)], ['retried', retryNote(c) ?? '']);
    (c.retryReasons ?? []).forEach((reason, i) => props.push([`retry.${i + 1}`, `${reason.kind}: ${reason.message}`]));
  }
  for (const r of c.regressions ?? []) {
    if (r.againstValue !== null) props.push([`${r.source}.${r.metric}`, String(r.againstValue)]);
    props.push([`regression.${r.metric}`, describeRegression(r)]);
    // an inconclusive comparison passes (unless --fail-on-inconclusive), but the note travels with the case
    if (r.verdict === 'inconclusive') props.push([`inconclusive.${r.metric}`, inconclusiveNote(r)]);
    // an accepted regression passes, with its reason and end beside it; an expired one fails, saying so
    if (r.acceptance !== undefined) props.push([`${r.verdict === 'accepted' ? 'accepted' : 'acceptance'}.${r.metric}`, acceptanceNote(r) ?? '']);
  }
  let outcome = '';
  if (c.status === 'error') {
    outcome = `      <error${attributes([
      ['message', `${c.error?.kind ?? 'error'}: ${c.error?.message ?? ''}`],
      ['type', c.error?.kind ?? 'error'],
    ])}/>\n`;
  } else if (first !== undefined) {
    outcome = `      <failure${attributes([
      ['message', failureText(first)],
      ['type', first.kind],
    ])}>${cdata(own.map(failureText).join('\n'))}</failure>\n`;
  } else if (c.status === 'skipped') {
    outcome = '      <skipped/>\n';
  }
  const out = systemOut(c);
  const head = `    <testcase${attributes([
    ['classname', `${suiteName}.${c.group}`],
    ['name', caseName(suite, c)],
    ['file', where.file],
    ['time', seconds(c.durationSeconds)],
    ['line', where.line],
  ])}>\n`;
  return `${head}${properties(props, '      ')}${outcome}${out === '' ? '' : `      <system-out>${cdata(out)}</system-out>\n`}    </testcase>\n`;
}
