import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../model/errors.js';
import type { HistoryEntry } from '../model/history.js';
import { parseHistory, type ParsedHistory } from '../history/history-file.js';
import { type CliIo, warnRun } from './io.js';

/** Reads a history file; a missing file is an empty history. Skipped lines are warned about, by line. */
export function readHistoryFile(file: string, io: CliIo): HistoryEntry[] {
  return readHistory(file, io).entries;
}

export function readHistory(file: string, io: CliIo): Pick<ParsedHistory, 'entries' | 'newerLines' | 'skipped'> {
  const absolute = path.resolve(io.cwd, file);
  if (!existsSync(absolute)) return { entries: [], newerLines: 0, skipped: [] };
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the history ${file}: ${(error as Error).message}`);
  }
  const parsed = parseHistory(text, file);
  for (const warning of parsed.warnings) io.stderr(`perfsuite: warning: ${warning}\n`);
  return parsed;
}

/** The history a run is judged against. A missing file is a warning, never silence: a gate that quietly turned off is a bug. */
export function readHistoryForRun(file: string, io: CliIo): { file: string; entries: HistoryEntry[]; missing?: true } {
  if (!existsSync(path.resolve(io.cwd, file))) {
    const message = `--history ${file} does not exist, so no case is judged against a history this time; add runs to it with perfsuite history add <results.json> --history ${file}`;
    warnRun(io, 'no history', message);
    return { file, entries: [], missing: true };
  }
  return { file, entries: readHistoryFile(file, io) };
}
