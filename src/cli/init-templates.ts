import { SIGNIFICANCE_LEVEL } from '../model/significance.js';
import { twoSampleMinimum } from '../stats/judge-change.js';

// The files `perfsuite init` writes (src/cli/init.ts decides which): a starter suite and a GitHub workflow of each kind.

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
export const SCHEMA_IN_PACKAGE = '../node_modules/perfsuite/schemas/suite.schema.json';
export const SCHEMA_ONLINE = 'https://raw.githubusercontent.com/perfsuite/perfsuite/v1/schemas/suite.schema.json';

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
  # pull-requests: write   # only for the comment on the pull request (below)

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
          # comment: true   # one comment on the pull request with the verdict, edited on every push (pull-requests: write above)
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
      # one comment on the pull request with the verdict, edited on every push (pull-requests: write above)
      # - if: \${{ !cancelled() && github.event_name == 'pull_request' }}
      #   run: npx perfsuite comment perfsuite-results/results.json
      #   env:
      #     GITHUB_TOKEN: \${{ github.token }}
${KEEP_BASELINE}`;
