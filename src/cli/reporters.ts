import { closestMatch } from '../model/did-you-mean.js';
import { UsageError } from '../model/errors.js';
import { REPORTER_NAMES, type ReporterName } from '../report/write-reports.js';

function suggest(name: string): string {
  const match = closestMatch(name, REPORTER_NAMES);
  return match === undefined ? '' : ` (did you mean '${match}'?)`;
}

/** `--reporter json,junit,markdown,html`: the names, checked; results.json is always written by `run`. */
export function parseReporters(text: string): ReporterName[] {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !(REPORTER_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new UsageError(`unknown reporter ${unknown.map((name) => `'${name}'${suggest(name)}`).join(', ')}; choose from ${REPORTER_NAMES.join(', ')}`);
  }
  return [...new Set(names)] as ReporterName[];
}
