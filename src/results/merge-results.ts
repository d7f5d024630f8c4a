import { UsageError } from '../model/errors.js';
import { defined } from '../model/defined.js';
import type { CaseResult, Comparison, RunResult, SuiteResult } from '../model/results.js';

const STATE_ORDER: readonly RunResult['state'][] = ['complete', 'running', 'interrupted', 'crashed'];

/**
 * Several results files (shards of one run, usually) as one run: suites joined by name and file, each case once (the
 * first copy wins; the others are reported), cases a file set out to measure but no file has, and shards of an N-way
 * split with no file. A single unsharded file comes back unchanged.
 */
export function mergeResults(results: readonly RunResult[], sources: readonly string[]): RunResult {
  const [first] = results;
  if (first === undefined) throw new UsageError('no results files given');
  const sharded = results.filter((r) => r.selection?.shard !== undefined);
  if (results.length === 1 && sharded.length === 0) return first;
  const suites = new Map<string, { suite: SuiteResult; cases: CaseResult[] }>();
  const seen = new Set<string>();
  const duplicateCases: string[] = [];
  for (const suite of results.flatMap((r) => r.suites)) {
    const key = `${suite.name}\0${suite.file}`;
    const entry = suites.get(key) ?? { suite, cases: [] };
    suites.set(key, entry);
    for (const c of suite.cases) {
      if (seen.has(c.id)) {
        // a case one file never got to (skipped) gives way to a copy another file measured
        const at = entry.cases.findIndex((kept) => kept.id === c.id);
        if (at >= 0 && entry.cases[at]?.status === 'skipped' && c.status !== 'skipped') entry.cases[at] = c;
        else if (c.status !== 'skipped') duplicateCases.push(c.id);
      } else entry.cases.push(c);
      seen.add(c.id);
    }
  }
  const planned = [...new Set(results.flatMap((r) => r.selection?.plannedCases ?? []))];
  const totals = [...new Set(sharded.map((r) => r.selection?.shard?.total ?? 0))];
  const present = new Set(sharded.map((r) => r.selection?.shard?.index ?? 0));
  const total = Math.max(0, ...totals);
  const finished = results.map((r) => r.finishedAt).filter((t): t is string => t !== undefined);
  // shards finish in any order; YAML order (then id) makes the joined run the same whatever the file order
  const byPlace = (a: CaseResult, b: CaseResult): number => a.line - b.line || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  // a join of several files is the whole run, with no selection of its own; one shard alone keeps its selection,
  // so a baseline comparison still knows which cases it meant to measure
  const { selection, ...whole } = first;
  return {
    ...whole,
    ...(results.length === 1 ? defined({ selection }) : {}),
    state: results.map((r) => r.state).reduce((a, b) => (STATE_ORDER.indexOf(b) > STATE_ORDER.indexOf(a) ? b : a)),
    startedAt: results.map((r) => r.startedAt).reduce((a, b) => (b < a ? b : a)),
    ...(finished.length === results.length ? { finishedAt: finished.reduce((a, b) => (b > a ? b : a)) } : {}),
    servers: results.flatMap((r) => r.servers),
    ...defined({ comparison: joinComparisons(results, seen) }),
    suites: [...suites.values()].map(({ suite, cases }) => ({ ...suite, cases: [...cases].sort(byPlace) })),
    merge: {
      sources,
      duplicateCases: [...new Set(duplicateCases)],
      missingCases: planned.filter((id) => !seen.has(id)),
      missingShards: Array.from({ length: total }, (_, i) => i + 1).filter((index) => !present.has(index)),
    },
  };
}

/** The comparisons of shards judged against one baseline, as one: what any shard found, less what another measured. */
function joinComparisons(results: readonly RunResult[], measured: ReadonlySet<string>): Comparison | undefined {
  const comparisons = results.map((r) => r.comparison).filter((c): c is Comparison => c !== undefined);
  const [first] = comparisons;
  if (first === undefined) return undefined;
  const unique = <T>(items: readonly T[], key: (item: T) => string): T[] => [...new Map(items.map((item) => [key(item), item])).values()];
  return {
    ...first,
    environmentDifferences: unique(
      comparisons.flatMap((c) => c.environmentDifferences),
      (d) => `${d.field}\0${d.baseline}\0${d.current}`,
    ),
    missingCases: unique(
      comparisons.flatMap((c) => c.missingCases),
      (id) => id,
    ).filter((id) => !measured.has(id)),
    newCases: unique(
      comparisons.flatMap((c) => c.newCases),
      (id) => id,
    ),
  };
}
