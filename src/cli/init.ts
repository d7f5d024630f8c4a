import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from '@commander-js/extra-typings';
import { ExitCode, UsageError } from '../model/errors.js';
import { type CliIo, type Exit, whyNotWritable } from './io.js';

/** The starter suite: loopback, so it runs anywhere netperf is installed; every line says what to change. */
export const STARTER_SUITE = `# yaml-language-server: $schema=../node_modules/perfsuite/schemas/suite.schema.json
# A first perfsuite suite. Check it with: npx perfsuite validate suites/network.yml
# Run it with: npx perfsuite run 'suites/*.yml'      (reports land in perfsuite-results/)
version: 1
name: network
description: Loopback TCP throughput and request/response latency; point a server at a real peer to measure a link

# servers:                               # default: a netserver perfsuite starts on 127.0.0.1
#   peer: { type: ssh, host: perf-b.example.net, user: ci }

defaults:
  duration: \${PERF_DURATION:-2s}          # whole seconds; PERF_DURATION=1s for a quick try
  repeat: 5                              # 5 runs a side let the regression test reach p <= 0.01

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
      transaction_rate: 10%
`;

/** The starter workflow: the suite on every push and pull request, judged against the default branch's last run. */
export const STARTER_WORKFLOW = `# Runs perfsuite on every push and pull request. Pushes to the default branch keep their results as the baseline
# (Actions cache, no token); pull requests are judged against it and fail on a regression or a missed threshold.
name: perfsuite

on:
  push:
    branches: [main]
  pull_request:

permissions:
  contents: read

jobs:
  perf:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 22
      - run: npm ci
      - name: Install netperf
        run: bash node_modules/perfsuite/scripts/install-deps.sh
      - name: Restore the baseline
        if: github.event_name == 'pull_request'
        uses: actions/cache/restore@v4
        with:
          path: perf-baseline
          key: perfsuite-baseline-\${{ github.event.pull_request.base.sha }}
          restore-keys: perfsuite-baseline-
      - name: Measure
        run: |
          baseline=()
          if [ -f perf-baseline/results.json ]; then baseline=(--baseline perf-baseline/results.json); fi
          npx perfsuite run 'suites/*.yml' "\${baseline[@]}"
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: perfsuite-results
          path: perfsuite-results/
      - name: Keep this run as the baseline
        if: github.event_name == 'push'
        run: mkdir -p perf-baseline && cp perfsuite-results/results.json perf-baseline/results.json
      - if: github.event_name == 'push'
        uses: actions/cache/save@v4
        with:
          path: perf-baseline
          key: perfsuite-baseline-\${{ github.sha }}
`;

export function command(io: CliIo, exit: Exit) {
  return new Command('init')
    .description('write a starter suite (suites/network.yml) and a GitHub workflow that runs it; never overwrites')
    .option('--dir <dir>', 'the repository to write into', '.')
    .action(async (options) => exit(await init(options, io)));
}

const FILES: readonly { readonly path: string; readonly text: string }[] = [
  { path: 'suites/network.yml', text: STARTER_SUITE },
  { path: '.github/workflows/perfsuite.yml', text: STARTER_WORKFLOW },
];

/** `perfsuite init`: writes the starter suite and workflow, or nothing at all if either exists already. */
export async function init(options: { readonly dir: string }, io: CliIo): Promise<number> {
  const root = path.resolve(io.cwd, options.dir);
  const existing = FILES.filter((file) => existsSync(path.join(root, file.path)));
  if (existing.length > 0) {
    throw new UsageError(`${existing.map((file) => path.join(options.dir, file.path)).join(' and ')} already exist${existing.length === 1 ? 's' : ''}; init writes nothing over your files (move them aside to start afresh)`);
  }
  for (const file of FILES) {
    const target = path.join(root, file.path);
    try {
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, file.text, { flag: 'wx' });
    } catch (error) {
      throw new UsageError(`cannot write ${target}: ${whyNotWritable(path.dirname(target), error as Error)}; pass a writable --dir`);
    }
    await io.stdout(`wrote ${path.relative(io.cwd, target) || target}\n`);
  }
  await io.stdout("next: npx perfsuite validate suites/network.yml, then npx perfsuite run 'suites/*.yml'\n");
  return ExitCode.ok;
}
