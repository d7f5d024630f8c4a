import type { Diagnostic } from '../model/diagnostics.js';
import { buildSuite } from './build-suite.js';
import { schemaErrorsToDiagnostics } from './schema-errors.js';
import { parseYaml } from './parse-yaml.js';
import { suiteSchema, validateAgainstSchema } from './suite-schema.js';
import { countGroupCases, DEFAULT_MAX_CASES, expandSuite, type ExpandOptions } from './expand-suite.js';
import type { Case, SuiteSpec } from '../model/suite-types.js';

export interface LoadSuiteOptions {
  readonly file: string;
  /** `${NAME}` lookup: `--var` first, then the environment. */
  readonly lookupVariable: (name: string) => string | undefined;
  /** `PERFSUITE_*` names setup/teardown commands may use besides their server's (`perfsuite bisect` adds its own). */
  readonly hookVariables?: readonly string[];
}

let paramNames: ReadonlySet<string> | undefined;

/** Parses and validates one suite file's text: YAML, schema and semantic errors, all collected. */
export function loadSuiteText(text: string, options: LoadSuiteOptions): { suite: SuiteSpec | undefined; diagnostics: Diagnostic[] } {
  const parsed = parseYaml(text, options);
  if (parsed.value === undefined) return { suite: undefined, diagnostics: [...parsed.diagnostics] };
  if (parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
    const loc = { file: options.file, line: 1, col: 1 };
    return {
      suite: undefined,
      diagnostics: [
        ...parsed.diagnostics,
        { loc, message: 'a suite file must be a mapping with version, name and tests; see `perfsuite schema` or suites/ for examples' },
      ],
    };
  }
  const schemaErrors = validateAgainstSchema(parsed.value).filter((e) => !parsed.unresolved.has(e.instancePath));
  const diagnostics = [...parsed.diagnostics, ...schemaErrorsToDiagnostics(schemaErrors, parsed.value, parsed.positions, options.file)];
  paramNames ??= new Set(Object.keys(suiteSchema().definitions?.['params']?.properties ?? {}));
  // an unknown key is reported and ignored; any other schema error makes its subtree unusable for further checks
  const invalidPointers = [...schemaErrors.filter((e) => e.keyword !== 'additionalProperties').map((e) => e.instancePath), ...parsed.unresolved];
  const root = parsed.value as Record<string, unknown>;
  if (typeof root['name'] !== 'string' || !Array.isArray(root['tests'])) {
    return { suite: undefined, diagnostics };
  }
  const built = buildSuite(root, {
    file: options.file,
    positions: parsed.positions,
    invalidPointers,
    paramNames,
    ...(options.hookVariables === undefined ? {} : { hookVariables: options.hookVariables }),
  });
  const variables = Object.fromEntries([...parsed.variables].sort(([a], [b]) => a.localeCompare(b)));
  return { suite: built.suite === undefined ? undefined : { ...built.suite, variables }, diagnostics: [...diagnostics, ...built.diagnostics] };
}

export interface CompileOptions extends ExpandOptions {
  /** Most cases all suites together may expand to. */
  readonly maxCases?: number;
}

/** Expands validated suites into cases: the case limit is checked first, without building any case. */
export function compileSuites(suites: readonly SuiteSpec[], options: CompileOptions = {}): { cases: Case[]; diagnostics: Diagnostic[] } {
  const maxCases = options.maxCases ?? DEFAULT_MAX_CASES;
  const diagnostics: Diagnostic[] = [];
  const seenNames = new Map<string, SuiteSpec>();
  for (const suite of suites) {
    const first = seenNames.get(suite.name);
    if (first !== undefined) {
      diagnostics.push({
        loc: suite.loc,
        message: `suite name '${suite.name}' is already used by ${first.file}:${first.loc.line}; suite names must be unique (they name JUnit test suites and case ids)`,
      });
    }
    seenNames.set(suite.name, suite);
  }
  let total = 0n;
  for (const suite of suites) {
    for (const group of suite.groups) {
      const count = countGroupCases(group);
      total += count;
      if (count > BigInt(maxCases)) {
        diagnostics.push({
          loc: group.matrix?.loc ?? group.loc,
          message: `group '${group.name}' expands to ${formatCount(count)} cases, more than the limit of ${formatCount(BigInt(maxCases))}; narrow the matrix, split it with exclude, or raise the limit with --max-cases`,
        });
      }
    }
  }
  if (diagnostics.length > 0) return { cases: [], diagnostics };
  const first = suites[0];
  if (total > BigInt(maxCases) && first !== undefined) {
    return {
      cases: [],
      diagnostics: [
        {
          loc: first.loc,
          message: `these suites expand to ${formatCount(total)} cases together, more than the limit of ${formatCount(BigInt(maxCases))}; run fewer suites at once or raise the limit with --max-cases`,
        },
      ],
    };
  }
  const cases: Case[] = [];
  for (const suite of suites) {
    const expanded = expandSuite(suite, options);
    for (const c of expanded.cases) cases.push(c);
    diagnostics.push(...expanded.diagnostics);
  }
  return { cases, diagnostics };
}

function formatCount(count: bigint): string {
  const digits = count.toString();
  if (digits.length > 15) return `about ${digits[0]}.${digits.slice(1, 3)}e${digits.length - 1}`;
  return Number(count).toLocaleString('en-US');
}
