import { HISTORY_FORMAT, HISTORY_VERSION, type HistoryEntry, type HistoryMetric, type Provenance } from '../model/history.js';
import type { Environment, RunResult } from '../model/results.js';
import { median } from '../stats/summary.js';
import { fnv1a } from '../model/hash-text.js';

/** `history add` keeps this many entries unless `--keep` says otherwise (docs/judging.md, "History and provenance"). */
export const DEFAULT_KEEP = 100;

/**
 * What makes runs of one machine comparable: CPU model and count, kernel, netperf version and runner image. Hostnames
 * are left out (every GitHub-hosted job gets a new one); a 32-bit FNV-1a hash in hex keeps the lines short.
 */
export function fingerprintOf(environment: Environment, provenance?: Provenance): string {
  const text = JSON.stringify([environment.cpuModel, environment.cpuCount, environment.kernel, environment.netperfVersion, provenance?.runnerImage ?? '']);
  return fnv1a(text).toString(16).padStart(8, '0');
}

/** One history line for a finished run: per measured case and metric, its runs and their median. */
export function historyEntry(result: RunResult): HistoryEntry {
  const cases: Record<string, Record<string, HistoryMetric>> = {};
  for (const c of result.suites.flatMap((s) => s.cases)) {
    if (c.status !== 'pass' && c.status !== 'fail') continue;
    const metrics: Record<string, HistoryMetric> = {};
    const names = new Set(c.runs.flatMap((run) => Object.keys(run)));
    for (const name of names) {
      const runs = c.runs.map((run) => run[name as keyof typeof run]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      if (runs.length > 0) metrics[name] = { runs, median: median(runs) };
    }
    if (Object.keys(metrics).length > 0) cases[c.id] = metrics;
  }
  const provenance = result.provenance ?? { perfsuiteVersion: result.environment.perfsuiteVersion, variables: {}, servers: {} };
  // the facts read of each server's path, for the evidence of later runs; not its pid, address or hooks' output
  const servers = result.servers.flatMap((s) => (s.facts === undefined ? [] : [{ key: s.key, facts: s.facts }]));
  return {
    format: HISTORY_FORMAT,
    version: HISTORY_VERSION,
    date: result.startedAt,
    provenance,
    environment: result.environment,
    fingerprint: fingerprintOf(result.environment, result.provenance),
    cases,
    ...(servers.length === 0 ? {} : { servers }),
  };
}

export interface ParsedHistory {
  readonly entries: HistoryEntry[];
  /** One per line skipped: `FILE:LINE: why`. */
  readonly warnings: string[];
  /** Lines written by a newer perfsuite (a history version this one does not read): rewriting the file would lose them. */
  readonly newerLines: number;
  /** Each line skipped, as it was, after how many entries it stood: `history add` writes them back where they were. */
  readonly skipped: readonly SkippedLine[];
}

/** A line of a history file that is not an entry this perfsuite reads. */
export interface SkippedLine {
  readonly text: string;
  /** How many entries came before it in the file. */
  readonly after: number;
}

/**
 * Reads a history file's text. A line that is not JSON, or not a perfsuite history entry of a version this reader
 * knows, is skipped with a warning naming it: one bad line (a hand edit, a foreign tool) must not lose the rest.
 */
export function parseHistory(text: string, file: string): ParsedHistory {
  const entries: HistoryEntry[] = [];
  const warnings: string[] = [];
  const skipped: SkippedLine[] = [];
  let newerLines = 0;
  // line by line without splitting the whole text first: a history of 1,000 runs × 200 cases is about 60 MB
  let start = 0;
  for (let number = 1; start < text.length; number += 1) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    const line = text.slice(start, end);
    start = end + 1;
    if (line.trim() === '') continue;
    const where = `${file}:${number}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      warnings.push(`${where}: not JSON (a torn or hand-edited line?); skipped`);
      skipped.push({ text: line, after: entries.length });
      continue;
    }
    const problem = entryProblem(value);
    if (
      problem !== undefined &&
      typeof (value as { version?: unknown } | null)?.version === 'number' &&
      (value as { version: number }).version > HISTORY_VERSION
    )
      newerLines += 1;
    if (problem !== undefined) {
      warnings.push(`${where}: ${problem}; skipped`);
      skipped.push({ text: line, after: entries.length });
    } else entries.push(value as HistoryEntry);
  }
  return { entries, warnings, newerLines, skipped };
}

function entryProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a perfsuite history entry (not an object)';
  const entry = value as Partial<Record<keyof HistoryEntry, unknown>>;
  if (entry.format !== HISTORY_FORMAT) return `not a perfsuite history entry (format ${JSON.stringify(entry.format ?? null)}, expected "${HISTORY_FORMAT}")`;
  if (entry.version !== HISTORY_VERSION)
    return `history entry version ${JSON.stringify(entry.version ?? null)}, and this perfsuite reads version ${HISTORY_VERSION}; upgrade perfsuite`;
  if (typeof entry.date !== 'string' || typeof entry.fingerprint !== 'string' || typeof entry.cases !== 'object' || entry.cases === null)
    return 'a history entry without date, fingerprint or cases';
  const provenance = entry.provenance as Partial<Provenance> | null | undefined;
  if (typeof provenance !== 'object' || provenance === null || typeof provenance.variables !== 'object' || typeof provenance.servers !== 'object')
    return 'a history entry without provenance';
  if (typeof entry.environment !== 'object' || entry.environment === null) return 'a history entry without environment';
  if (entry.servers !== undefined && (!Array.isArray(entry.servers) || entry.servers.some((s: unknown) => typeof s !== 'object' || s === null)))
    return 'a history entry with malformed servers';
  for (const metrics of Object.values(entry.cases as Record<string, unknown>)) {
    if (typeof metrics !== 'object' || metrics === null) return 'a history entry with a malformed case';
    for (const metric of Object.values(metrics as Record<string, unknown>)) {
      const m = metric as Partial<HistoryMetric> | null;
      if (m === null || typeof m.median !== 'number' || !Array.isArray(m.runs) || m.runs.some((run) => typeof run !== 'number'))
        return 'a history entry with a malformed metric (needs runs and median, numbers)';
    }
  }
  return undefined;
}

/**
 * The file's text with `entry` appended and only the newest `keep` entries kept. Lines that were skipped when reading
 * (a hand edit, a foreign tool's) are written back as they were, where they stood, never lost: those that stood among
 * dropped entries go first.
 */
export function appendEntry(
  entries: readonly HistoryEntry[],
  entry: HistoryEntry,
  keep: number,
  skipped: readonly SkippedLine[] = [],
): { text: string; kept: number; dropped: number } {
  const all = [...entries, entry];
  const first = Math.max(0, all.length - keep);
  const lines: string[] = [];
  let next = 0;
  for (let i = first; i <= all.length; i++) {
    // the skipped lines that stood before entry i (all of those before the window, for the first)
    while (next < skipped.length && (skipped[next]?.after ?? 0) <= i) lines.push(`${skipped[next++]?.text ?? ''}\n`);
    const kept = all[i];
    if (kept !== undefined) lines.push(`${JSON.stringify(kept)}\n`);
  }
  return { text: lines.join(''), kept: all.length - first, dropped: first };
}
