import { fileURLToPath } from 'node:url';
import { readSuites } from '../src/cli/read-suites.js';
import type { Diagnostic } from '../src/diagnostics.js';
import { SuiteError } from '../src/errors.js';

export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/** Loads suite files the way the CLI does (cwd = project root) and returns the diagnostics, or [] when valid. */
export function diagnosticsOf(files: readonly string[], variables: Record<string, string> = {}): Diagnostic[] {
  try {
    readSuites(files, { cwd: projectRoot, env: {}, variables: new Map(Object.entries(variables)) });
    return [];
  } catch (error) {
    if (error instanceof SuiteError) return [...error.diagnostics];
    throw error;
  }
}

export function load(files: readonly string[], options: { variables?: Record<string, string>; env?: NodeJS.ProcessEnv; maxCases?: number } = {}) {
  return readSuites(files, {
    cwd: projectRoot,
    env: options.env ?? {},
    variables: new Map(Object.entries(options.variables ?? {})),
    ...(options.maxCases === undefined ? {} : { maxCases: options.maxCases }),
  });
}
