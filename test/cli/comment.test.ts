import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptStored } from '../../src/compare/accept-regressions.js';
import type { Evidence, RunResult } from '../../src/model/results.js';
import { commentMarker, MAX_COMMENT_CHARS, renderComment } from '../../src/report/render-comment.js';
import { perfsuiteInProcess, tempDir } from '../helpers.js';
import { comparedSweep } from '../report/fixtures.js';
import { type FakeGitHub, fakeGitHub } from './fake-github.js';

const TOKEN = 'ghs_fakeTokenThatMustNeverBePrinted0123';
const ACCEPTED = 'sweep/bulk[nodelay=true,send_size=64K]';

/** The recorded sweep judged against its baseline (regressed, inconclusive, not compared, unchanged), one regression accepted. */
function sweepWithAccepted(): RunResult {
  const result = comparedSweep();
  const accept = [{ metric: 'throughput' as const, reason: 'bigger buffers trade speed for memory (#42)', until: '2999-12-31', file: 'sweep.yml', line: 20 }];
  const context = { today: '2026-01-01', commits: new Map() };
  return {
    ...result,
    suites: result.suites.map((s) => ({ ...s, cases: s.cases.map((c) => (c.id === ACCEPTED ? acceptStored({ ...c, accept }, context) : c)) })),
  };
}

describe('the pull-request comment', () => {
  const result = sweepWithAccepted();
  const links = { summary: 'https://github.example/octo/net/actions/runs/99', reports: 'https://github.example/octo/net/actions/runs/99#artifacts' };

  it('leads with the hidden marker and the verdict naming the suites; lists what is not plainly fine, the accepted with its reason; links the run', () => {
    const body = renderComment(result, links);
    const lines = body.split('\n');
    expect(lines[0]).toBe('<!-- perfsuite comment: sweep -->');
    expect(lines[1]).toMatch(/^### ⚠️ perfsuite \(sweep\): .*regressed.*1 regression accepted/);
    const rows = lines.filter((line) => line.startsWith('| `'));
    const verdicts = rows.map((row) => row.split(' | ')[1]);
    expect(new Set(verdicts)).toEqual(new Set(['❌ regressed', '❔ inconclusive', '➖ not compared', '☑️ accepted']));
    // regressed first, accepted last; unchanged ones are counted, not listed
    expect(verdicts[0]).toBe('❌ regressed');
    expect(verdicts.at(-1)).toBe('☑️ accepted');
    expect(rows.at(-1)).toContain(`\`${ACCEPTED}\``);
    expect(rows.at(-1)).toContain('accepted until 2999-12-31: bigger buffers trade speed for memory (#42) (sweep.yml:20)');
    expect(body).toMatch(/\n\d+ more compared metrics? (is|are) unchanged\.\n/);
    expect(body).toContain('¹ one-sided Mann–Whitney U, α = 0.01');
    expect(body).toContain(
      '[Job summary](https://github.example/octo/net/actions/runs/99) · [Reports (report.html, junit.xml, results.json)](https://github.example/octo/net/actions/runs/99#artifacts)',
    );
    // every comparison carries its evidence: the why column says what differs from the baseline (its kernel here)
    expect(rows[0]).toMatch(/ · unexplained: no counter was recorded, though 1 setting differs \| differs: kernel 6\.1\.0-28-amd64 → 6\.18\.44-fc-v657 \|$/);
  });

  it('shows the evidence of a comparison where the results carry it', () => {
    const evidence: Evidence = {
      differences: [{ what: 'link rate', against: '100mbit', current: '90mbit' }],
      counters: [
        { metric: 'retransmissions', against: 0, current: 12, change: 12, verdict: 'regressed', tolerance: 0 },
        { metric: 'mss', against: 1448, current: 1448, change: 0, verdict: 'unchanged', tolerance: 0 },
      ],
      reading: 'loss: retransmissions rose',
      cause: 'loss',
    };
    const withEvidence: RunResult = {
      ...result,
      suites: result.suites.map((s) => ({
        ...s,
        cases: s.cases.map((c) =>
          c.regressions === undefined ? c : { ...c, regressions: c.regressions.map((r) => (r.verdict === 'regressed' ? { ...r, evidence } : r)) },
        ),
      })),
    };
    const body = renderComment(withEvidence, links);
    expect(body).toContain('| why |');
    // the reading stands beside the statistics of a regressed row; the why column adds the counters and the settings
    expect(body).toContain(' · loss: retransmissions rose | counters: retransmissions 0 → 12; differs: link rate 100mbit → 90mbit |');
  });

  it("stays under GitHub's 65,536 characters with a run of hundreds of regressions, saying how many rows it left out", () => {
    const many: RunResult = {
      ...result,
      suites: result.suites.map((s) => ({ ...s, cases: Array.from({ length: 300 }, (_, i) => s.cases.map((c) => ({ ...c, id: `${c.id}#${i}` }))).flat() })),
    };
    const body = renderComment(many, links);
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
    expect(body.length).toBeGreaterThan(MAX_COMMENT_CHARS - 1000);
    const left = /> ✂️ (\d+) more lines are left out/.exec(body)?.[1];
    const rows = body.split('\n').filter((line) => line.startsWith('| `')).length;
    // 300 copies of 10 listed comparisons and 4 failures: every one is shown or counted
    expect(rows + Number(left)).toBe(300 * 14);
    expect(body.trimEnd().endsWith('this comment is updated in place on every run</sub>')).toBe(true);
  });

  it('stays under the character limit it is given, saying what it left out', () => {
    const full = renderComment(result, links);
    const cut = renderComment(result, links, 2500);
    expect(full.length).toBeLessThan(MAX_COMMENT_CHARS);
    expect(cut.length).toBeLessThanOrEqual(2500);
    expect(cut.split('\n')[0]).toBe(commentMarker(result));
    expect(cut).toMatch(/> ✂️ \d+ more lines? (is|are) left out: a comment holds at most 65,536 characters\. The job summary and report\.md list every one\./);
    expect(cut).toContain('[Job summary]');
  });
});

describe('perfsuite comment against a local GitHub API', () => {
  let github: FakeGitHub;
  const dir = tempDir('comment');
  const results = path.join(dir, 'results.json');
  const event = (name: string, payload: object): string => {
    const file = path.join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(payload));
    return file;
  };
  const prEvent = event('pull_request', { number: 7, pull_request: { number: 7, head: { repo: { full_name: 'octo/net' } } } });
  const forkEvent = event('fork', { number: 7, pull_request: { number: 7, head: { repo: { full_name: 'someone/net' } } } });
  const pushEvent = event('push', { ref: 'refs/heads/main' });
  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    GITHUB_TOKEN: TOKEN,
    GITHUB_API_URL: github.apiUrl,
    GITHUB_REPOSITORY: 'octo/net',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: prEvent,
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_RUN_ID: '99',
    ...extra,
  });
  const perfsuite = async (extra: Record<string, string> = {}, args: readonly string[] = []) => {
    const run = await perfsuiteInProcess(['comment', results, ...args], { cwd: dir, env: env(extra) });
    expect(`${run.stdout}${run.stderr}`).not.toContain(TOKEN);
    return run;
  };

  beforeAll(async () => {
    writeFileSync(results, JSON.stringify(sweepWithAccepted()));
    // other people's comments fill more than one page of the list
    github = await fakeGitHub(
      'octo/net',
      7,
      Array.from({ length: 120 }, (_, i) => `review comment ${i}`),
    );
  });
  afterAll(() => github.close());

  it('creates the comment on the first run and edits it in place on the second, found by its marker through the paged list', async () => {
    const first = await perfsuite();
    expect(first).toEqual({
      status: 0,
      stdout: 'perfsuite: created the comment on pull request #7: https://github.example/octo/net/pull/7#issuecomment-2120\n',
      stderr: '',
    });
    const listed = ['GET /api/v3/repos/octo/net/issues/7/comments?per_page=100&page=1', 'GET /api/v3/repos/octo/net/issues/7/comments?per_page=100&page=2'];
    const calls = (): string[] => github.requests.map((r) => `${r.method} ${r.url}`);
    expect(calls()).toEqual([...listed, 'POST /api/v3/repos/octo/net/issues/7/comments']);
    expect(github.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    const posted = github.comments.at(-1)?.body ?? '';
    expect(posted.startsWith('<!-- perfsuite comment: sweep -->\n### ⚠️ perfsuite (sweep): ')).toBe(true);
    expect(posted).toContain('[Job summary](https://github.example/octo/net/actions/runs/99)');
    expect(posted).not.toContain(TOKEN);

    github.requests.length = 0;
    const second = await perfsuite({ GITHUB_RUN_ID: '100' });
    expect(second).toEqual({
      status: 0,
      stdout: 'perfsuite: updated the comment on pull request #7: https://github.example/octo/net/pull/7#issuecomment-2120\n',
      stderr: '',
    });
    expect(calls()).toEqual([...listed, 'PATCH /api/v3/repos/octo/net/issues/comments/2120']);
    expect(github.comments).toHaveLength(121);
    expect(github.comments.at(-1)?.body).toContain('actions/runs/100');
  });

  it("says a fork's 403 as a warning naming the status and why, and exits 0", async () => {
    github.refuse = { status: 403, methods: ['POST', 'PATCH'] };
    try {
      const run = await perfsuite({ GITHUB_EVENT_PATH: forkEvent, GITHUB_ACTIONS: 'true' });
      expect(run.status).toBe(0);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(
        '::warning title=perfsuite: pull-request comment::the comment on pull request #7 was not posted: GitHub answered 403 Forbidden to updating the comment (Resource not accessible by integration); a pull request from a fork gets a read-only token: comment from a workflow_run job instead (docs/ci.md)\n',
      );
    } finally {
      github.refuse = undefined;
    }
  });

  it('says a 404 as a warning naming the status and what to check, and exits 0', async () => {
    github.refuse = { status: 404, methods: ['GET'] };
    try {
      const run = await perfsuite();
      expect(run.status).toBe(0);
      expect(run.stderr).toBe(
        'perfsuite: warning: the comment on pull request #7 was not posted: GitHub answered 404 Not Found to listing the comments (Not Found); check GITHUB_REPOSITORY (octo/net), the pull request number (7) and GITHUB_API_URL, and that the token can see the repository\n',
      );
    } finally {
      github.refuse = undefined;
    }
  });

  it('outside a pull request, or without a token, says why and posts nothing (exit 0); --pr names the pull request itself', async () => {
    github.requests.length = 0;
    expect(await perfsuite({ GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: pushEvent })).toEqual({
      status: 0,
      stdout:
        "perfsuite: no pull-request comment: this run is not for a pull request (event push); a workflow_run job passes the pull request's number with --pr N\n",
      stderr: '',
    });
    expect(await perfsuite({ GITHUB_TOKEN: '' })).toEqual({
      status: 0,
      stdout:
        "perfsuite: no pull-request comment: GITHUB_TOKEN is not set; give the job permissions: pull-requests: write and pass it (the Action's comment: true does)\n",
      stderr: '',
    });
    expect(github.requests).toEqual([]);
    const named = await perfsuite({ GITHUB_EVENT_NAME: 'workflow_run', GITHUB_EVENT_PATH: pushEvent }, ['--pr', '7']);
    expect(named.stdout).toMatch(/^perfsuite: updated the comment on pull request #7/);
  });

  it('an API it cannot reach is a warning too', async () => {
    const run = await perfsuite({ GITHUB_API_URL: 'http://127.0.0.1:9' });
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/^perfsuite: warning: the comment on pull request #7 was not posted: cannot reach http:\/\/127\.0\.0\.1:9: fetch failed/);
  });

  it('--dry-run prints the comment and posts nothing', async () => {
    github.requests.length = 0;
    const run = await perfsuite({}, ['--dry-run']);
    expect(run.status).toBe(0);
    expect(run.stdout.startsWith('<!-- perfsuite comment: sweep -->\n')).toBe(true);
    expect(github.requests).toEqual([]);
  });
});
