import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from '@commander-js/extra-typings';
import { ExitCode, UsageError } from '../model/errors.js';
import { shellQuote } from '../model/shell-quote.js';
import { SIGNIFICANCE_LEVEL } from '../model/significance.js';
import { twoSampleMinimum } from '../stats/judge-change.js';
import { type CliIo, type Exit, whyNotWritable } from './io.js';

/** Runs a side the starter suite measures: the fewest with which a baseline comparison can reach α. */
const BASELINE_RUNS = twoSampleMinimum(SIGNIFICANCE_LEVEL);

/** The starter suite: loopback, so it runs anywhere netperf is installed; every line says what to change. */
export const starterSuite = (schema: string): string => `# yaml-language-server: $schema=${schema}
# A first perfsuite suite. Check it with: npx perfsuite validate suites/network.yml   (in a Node project that has
# perfsuite; else node <a clone of perfsuite>/bin/perfsuite.js validate …, as init printed)
# Run it with: npx perfsuite run 'suites/*.yml'      (reports land in perfsuite-results/)
version: 1
name: network
description: Loopback TCP throughput and request/response latency; point a server at a real peer to measure a link

# servers:                               # default: a netserver perfsuite starts on 127.0.0.1
#   peer: { type: ssh, host: perf-b.example.net, user: ci }

defaults:
  duration: \${PERF_DURATION:-2s}          # whole seconds; PERF_DURATION=1s for a quick try
  repeat: ${BASELINE_RUNS}                              # ${BASELINE_RUNS} runs a side let the regression test reach p <= ${SIGNIFICANCE_LEVEL}

tests:
  - name: bulk
    test: TCP_STREAM
    matrix:
      send_size: [4K, 64K]
    thresholds:
      throughput: ">= 1 Gbit/s"
    regression:
      throughput: 40%                    # loopback bulk throughput follows the machine; a real link holds a few %

  - name: latency
    test: TCP_RR
    matrix:
      request_size: [1, 1K]
    thresholds:
      latency_p99: "< 10ms"
    regression:
      transaction_rate: 30%              # loopback rates vary 9–14% run to run on a small VM; a real link far less
`;

/** Where the schema is for the suite's modeline: in node_modules when perfsuite is a dependency, else the v1 release's. */
const SCHEMA_IN_PACKAGE = '../node_modules/perfsuite/schemas/suite.schema.json';
const SCHEMA_ONLINE = 'https://raw.githubusercontent.com/perfsuite/perfsuite/v1/schemas/suite.schema.json';

/** Steps both starter workflows share: keep a push to the default branch's results as the baseline (Actions cache). */
const KEEP_BASELINE = `      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: perfsuite-results
          path: perfsuite-results/
      - name: Keep this run as the baseline
        if: github.event_name == 'push' && github.ref_name == github.event.repository.default_branch
        run: mkdir -p perf-baseline && cp perfsuite-results/results.json perf-baseline/results.json
      - if: github.event_name == 'push' && github.ref_name == github.event.repository.default_branch
        uses: actions/cache/save@v4
        with:
          path: perf-baseline
          key: perfsuite-baseline-\${{ github.sha }}
`;

const HEADER = (how: string): string => `# Runs perfsuite on pull requests and on pushes to the default branch ${how}. Pushes to the default branch keep
# their results as the baseline (Actions cache, no token; evicted after 7 days unused, which the run then says in a
# warning); pull requests are judged against it and fail on a regression or a missed threshold.
name: perfsuite

on:
  push:
  pull_request:

permissions:
  contents: read

jobs:
  perf:
    # a push to a pull request's branch is measured once, by the pull_request event, where it is judged
    if: github.event_name != 'push' || github.ref_name == github.event.repository.default_branch
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Restore the baseline
        if: github.event_name == 'pull_request'
        uses: actions/cache/restore@v4
        with:
          path: perf-baseline
          key: perfsuite-baseline-\${{ github.event.pull_request.base.sha }}
          restore-keys: perfsuite-baseline-
`;

/** The starter workflow for a repository without package.json: the perfsuite Action does the installing. */
export const ACTION_WORKFLOW = `${HEADER('with the perfsuite Action (no package.json needed)')}      - name: Measure
        uses: perfsuite/perfsuite@v1
        with:
          suites: suites/*.yml
          baseline: \${{ github.event_name == 'pull_request' && 'perf-baseline/results.json' || '' }}
          missing-baseline: warn
${KEEP_BASELINE}`;

/** The starter workflow for a Node project: perfsuite is a devDependency, installed by npm ci. */
export const NPM_WORKFLOW = `${HEADER('with perfsuite from package.json (a devDependency)')}      - uses: actions/setup-node@v4
        with:
          node-version: 22
      - run: npm ci
      - name: Install netperf
        run: bash node_modules/perfsuite/scripts/install-deps.sh
      - name: Measure
        run: |
          baseline=()
          if [ -f perf-baseline/results.json ]; then baseline=(--baseline perf-baseline/results.json)
          elif [ "$GITHUB_EVENT_NAME" = pull_request ]; then echo "::warning title=perfsuite: no baseline::no baseline of the default branch in the Actions cache (never stored, or evicted after 7 days unused), so the regression gate judges nothing this time"; fi
          npx perfsuite run 'suites/*.yml' "\${baseline[@]}"
${KEEP_BASELINE}`;

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
