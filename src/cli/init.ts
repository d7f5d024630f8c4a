import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from '@commander-js/extra-typings';
import { ExitCode, UsageError } from '../model/errors.js';
import { shellQuote } from '../model/shell-quote.js';
import { ACTION_WORKFLOW, NPM_WORKFLOW, SCHEMA_IN_PACKAGE, SCHEMA_ONLINE, starterSuite } from './init-templates.js';
import { type CliIo, type Exit, whyNotWritable } from './io.js';

export function command(io: CliIo, exit: Exit, version: string) {
  return new Command('init')
    .description('write a starter suite (suites/network.yml) and a GitHub workflow that runs it; never overwrites')
    .option('--dir <dir>', 'the repository to write into', '.')
    .action(async (options) => exit(await init({ ...options, version }, io)));
}

/** The perfsuite package that is running (dist/cli/init.js lies two levels below it). */
const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

/** A path as the next steps print it: relative to where the user is, or absolute when it lies outside. */
function fromCwd(target: string, io: CliIo): string {
  const relative = path.relative(io.cwd, target);
  return relative === '' ? '.' : relative.startsWith('..') || path.isAbsolute(relative) ? target : relative;
}

/** The perfsuite running now, as a command that works offline from the user's directory: npx where the project there has it, else its own bin. */
function runningPerfsuite(root: string, io: CliIo): string {
  if (path.resolve(io.cwd) === root && existsSync(path.join(root, 'node_modules/.bin/perfsuite'))) return 'npx perfsuite';
  return `node ${shellQuote(fromCwd(path.join(PACKAGE_ROOT, 'bin/perfsuite.js'), io))}`;
}

/** Which starter fits the repository: a Node project gets the devDependency workflow, any other the Action's. */
function starterFiles(root: string): { files: readonly { path: string; text: string }[]; node: boolean; dependency: string | undefined } {
  const manifest = path.join(root, 'package.json');
  if (!existsSync(manifest))
    return {
      files: [
        { path: 'suites/network.yml', text: starterSuite(SCHEMA_ONLINE) },
        { path: '.github/workflows/perfsuite.yml', text: ACTION_WORKFLOW },
      ],
      node: false,
      dependency: undefined,
    };
  let dependency: string | undefined;
  try {
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
    dependency = pkg.devDependencies?.['perfsuite'] ?? pkg.dependencies?.['perfsuite'];
  } catch {
    // an unreadable package.json is still a Node project's
  }
  return {
    files: [
      { path: 'suites/network.yml', text: starterSuite(SCHEMA_IN_PACKAGE) },
      { path: '.github/workflows/perfsuite.yml', text: NPM_WORKFLOW },
    ],
    node: true,
    dependency,
  };
}

/** Why the runner's `npm ci` cannot install perfsuite as package.json names it: a `file:` path outside the repository. */
function unreachableOnRunner(spec: string, root: string): boolean {
  if (!spec.startsWith('file:')) return false;
  const relative = path.relative(root, path.resolve(root, spec.slice('file:'.length)));
  return relative.startsWith('..') || path.isAbsolute(relative);
}

export async function init(options: { readonly dir: string; readonly version: string }, io: CliIo): Promise<number> {
  const root = path.resolve(io.cwd, options.dir);
  const { files, node, dependency } = starterFiles(root);
  const existing = files.filter((file) => existsSync(path.join(root, file.path)));
  if (existing.length > 0) {
    throw new UsageError(
      `${existing.map((file) => path.join(options.dir, file.path)).join(' and ')} already exist${existing.length === 1 ? 's' : ''}; init writes nothing over your files (move them aside to start afresh)`,
    );
  }
  for (const file of files) {
    const target = path.join(root, file.path);
    try {
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, file.text, { flag: 'wx' });
    } catch (error) {
      throw new UsageError(`cannot write ${target}: ${whyNotWritable(path.dirname(target), error as Error)}; pass a writable --dir`);
    }
    await io.stdout(`wrote ${fromCwd(target, io)}\n`);
  }
  const perfsuite = runningPerfsuite(root, io);
  const workflow = node
    ? `the workflow installs perfsuite with npm ci${dependency !== undefined ? '' : `, so add it to package.json first: npm install --save-dev github:perfsuite/perfsuite (or, offline, a tarball of this copy: npm pack ${shellQuote(PACKAGE_ROOT)} && npm install --save-dev ./perfsuite-${options.version}.tgz, and commit the .tgz too, so that npm ci finds it on the runner)`}`
    : 'the workflow runs the suites with the perfsuite/perfsuite@v1 Action (this repository has no package.json, and needs none)';
  const suite = fromCwd(path.join(root, 'suites/network.yml'), io);
  const suites = fromCwd(path.join(root, 'suites'), io);
  // run from elsewhere (--dir), the reports go into the project all the same
  const out = path.resolve(io.cwd) === root ? '' : ` --out ${shellQuote(fromCwd(path.join(root, 'perfsuite-results'), io))}`;
  await io.stdout(
    `next: ${perfsuite} validate ${shellQuote(suite)}, then ${perfsuite} run ${shellQuote(`${suites}/*.yml`)}${out}; commit both files: ${workflow}; add perfsuite-results/ (the reports) to .gitignore\n`,
  );
  if (dependency !== undefined && unreachableOnRunner(dependency, root)) {
    await io.stdout(
      `note: package.json installs perfsuite from ${dependency}, outside this repository, which the runner's npm ci cannot reach; before committing, install it from github:perfsuite/perfsuite or from a tarball inside the repository\n`,
    );
  }
  return ExitCode.ok;
}
