import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { UsageError } from '../model/errors.js';
import { isMetricName } from '../model/metrics.js';
import { RESULTS_SCHEMA_VERSION, type RunResult, type ThresholdOutcome } from '../model/results.js';
import { parseThreshold } from '../thresholds/parse-threshold.js';

/** Reads and checks every results file, reporting every bad one at once. */
export function readResultsFiles(files: readonly string[], cwd: string, role = ''): RunResult[] {
  const schema = JSON.parse(readFileSync(new URL('../../schemas/results.schema.json', import.meta.url), 'utf8')) as object;
  const validate = new Ajv({ allowUnionTypes: true, validateFormats: false, allErrors: false }).compile<RunResult>(schema);
  const problems: string[] = [];
  const results: RunResult[] = [];
  for (const file of files) {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(path.resolve(cwd, file), 'utf8'));
    } catch (error) {
      problems.push(`${role}${file}: cannot read it as JSON (${(error as Error).message}); pass a results.json written by perfsuite run`);
      continue;
    }
    const version = (data as { schemaVersion?: unknown } | null)?.schemaVersion;
    if (version !== RESULTS_SCHEMA_VERSION) {
      problems.push(`${role}${file}: schemaVersion is ${JSON.stringify(version)}, this perfsuite reads ${RESULTS_SCHEMA_VERSION}; render it with the perfsuite version that wrote it`);
      continue;
    }
    if (!validate(data)) {
      const first = validate.errors?.[0];
      problems.push(`${role}${file}: not a perfsuite results file: ${first?.instancePath || '/'} ${first?.message ?? 'is invalid'} (schemas/results.schema.json)`);
      continue;
    }
    results.push(withParsedThresholds(data));
  }
  if (problems.length > 0) throw new UsageError(problems.join('\nperfsuite: '));
  return results;
}


/** The baseline results file, checked before anything runs: a missing or invalid one is a usage error (exit 2). */
export function readBaselineFile(file: string, cwd: string, role = '--baseline '): RunResult {
  const [result] = readResultsFiles([file], cwd, role);
  if (result === undefined) throw new UsageError(`${role}${file}: no results in it`);
  return result;
}

/** Files of perfsuite 0.1.0 keep only the expression of a threshold: its operator and limit are parsed from it. */
function withParsedThresholds(result: RunResult): RunResult {
  const complete = (t: ThresholdOutcome): ThresholdOutcome => {
    if ((t as Partial<ThresholdOutcome>).op !== undefined && (t as Partial<ThresholdOutcome>).limit !== undefined) return t;
    const parsed = isMetricName(t.metric) ? parseThreshold(t.expression, t.metric) : undefined;
    return parsed?.ok === true ? { ...t, op: parsed.value.op, limit: parsed.value.value } : { ...t, op: '>=', limit: 0 };
  };
  return { ...result, suites: result.suites.map((suite) => ({ ...suite, cases: suite.cases.map((c) => ({ ...c, thresholds: c.thresholds.map(complete) })) })) };
}
