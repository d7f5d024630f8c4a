import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { expect } from 'vitest';
import type { RunResult } from '../src/model/results.js';
import { main } from '../src/cli/main.js';
import { readSuites } from '../src/cli/read-suites.js';
import type { Diagnostic } from '../src/model/diagnostics.js';
import { SuiteError } from '../src/model/errors.js';

export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

export { tempDir } from './temp-dirs.js';

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

/** The Jenkins junit-10 schema plus file/line and case properties (schemas/junit-10-perfsuite.xsd). */
export const JUNIT_XSD = path.join(projectRoot, 'schemas/junit-10-perfsuite.xsd');

/** xmllint's verdict on a document against the perfsuite JUnit schema: '' when it validates, else its complaints. */
export function schemaErrors(xml: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'perfsuite-junit-'));
  const file = path.join(dir, 'junit.xml');
  writeFileSync(file, xml);
  try {
    execFileSync('xmllint', ['--noout', '--schema', JUNIT_XSD, file], { stdio: 'pipe' });
    return '';
  } catch (error) {
    const { stderr, code } = error as { stderr?: Buffer; code?: string };
    if (code === 'ENOENT') throw new Error('xmllint is not installed; run bash scripts/install-deps.sh --dev (Debian package libxml2-utils)');
    return stderr?.toString() ?? String(error);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether a process still runs (a zombie waiting to be reaped counts as gone: the sandbox init may not reap). */
export function isRunning(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  return existsSync(stat) && readFileSync(stat, 'utf8').split(') ')[1]?.[0] !== 'Z';
}

/** Resolves once `condition` holds, checking every 20 ms; rejects with `what` after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Runs a command in-process through CliIo, as the bin would: what it printed and the exit code. */
export async function perfsuiteInProcess(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  let stdout = '';
  let stderr = '';
  const status = await main(['node', 'perfsuite', ...args], {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    cwd: options.cwd ?? projectRoot,
    env: { NO_COLOR: '1', ...options.env },
    isTTY: false,
  });
  return { status, stdout, stderr };
}

const validateResults = new Ajv({ allowUnionTypes: true, validateFormats: false }).compile(
  JSON.parse(readFileSync(path.join(projectRoot, 'schemas/results.schema.json'), 'utf8')) as object,
);

/** Reads `<dir>/results.json`, checking it against schemas/results.schema.json every time. */
export function readResults(dir: string): RunResult {
  const results = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as unknown;
  expect(validateResults(results) ? [] : validateResults.errors).toEqual([]);
  return results as RunResult;
}
