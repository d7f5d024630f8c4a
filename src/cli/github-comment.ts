import { readFileSync } from 'node:fs';

/** Where a pull request's comment goes, from GitHub's environment (docs/ci.md, "A comment on the pull request"). */
export interface CommentTarget {
  readonly apiUrl: string;
  readonly repository: string;
  readonly pullRequest: number;
  readonly token: string;
  /** The pull request comes from a fork (its token is read-only under `pull_request`): said with a 403. */
  readonly fromFork: boolean;
}

/** Why nothing is posted, in words (the command says it and exits 0), or where to post. */
export type TargetOrReason = { readonly target: CommentTarget } | { readonly reason: string };

/** GitHub's event payload, as far as the pull request's number and origin go. */
interface EventPayload {
  readonly number?: unknown;
  readonly pull_request?: { readonly number?: unknown; readonly head?: { readonly repo?: { readonly full_name?: unknown } } };
  readonly issue?: { readonly number?: unknown; readonly pull_request?: unknown };
  readonly repository?: { readonly full_name?: unknown };
}

/**
 * The pull request to comment on: `--pr`, else the event that started the workflow (`pull_request`,
 * `pull_request_target`, a comment on a pull request), with the token and the API of this GitHub (Enterprise too).
 */
export function commentTarget(env: NodeJS.ProcessEnv, pr: number | undefined): TargetOrReason {
  const token = env['GITHUB_TOKEN'] ?? '';
  const repository = env['GITHUB_REPOSITORY'] ?? '';
  if (repository === '') return { reason: 'GITHUB_REPOSITORY is not set (this is not a GitHub Actions job)' };
  let event: EventPayload = {};
  const eventPath = env['GITHUB_EVENT_PATH'] ?? '';
  if (eventPath !== '') {
    try {
      event = JSON.parse(readFileSync(eventPath, 'utf8')) as EventPayload;
    } catch (error) {
      if (pr === undefined)
        return { reason: `GITHUB_EVENT_PATH ${eventPath} cannot be read (${(error as Error).message}), so the pull request is unknown; pass --pr N` };
    }
  }
  const fromEvent = event.pull_request?.number ?? (event.issue?.pull_request === undefined ? undefined : event.issue.number);
  const number = pr ?? (typeof fromEvent === 'number' ? fromEvent : undefined);
  if (number === undefined) {
    const name = env['GITHUB_EVENT_NAME'];
    return {
      reason: `this run is not for a pull request (${name === undefined ? 'no GitHub event' : `event ${name}`}); a workflow_run job passes the pull request's number with --pr N`,
    };
  }
  if (token === '') {
    return { reason: "GITHUB_TOKEN is not set; give the job permissions: pull-requests: write and pass it (the Action's comment: true does)" };
  }
  const head = event.pull_request?.head?.repo?.full_name;
  return {
    target: {
      apiUrl: (env['GITHUB_API_URL'] || 'https://api.github.com').replace(/\/+$/, ''),
      repository,
      pullRequest: number,
      token,
      fromFork: typeof head === 'string' && head !== repository,
    },
  };
}

/** What posting came to: a comment made or edited, or GitHub's refusal (a warning, never a failed gate). */
export type PostOutcome =
  { readonly kind: 'created' | 'updated'; readonly url: string } | { readonly kind: 'failed'; readonly status?: number; readonly message: string };

const PAGE_SIZE = 100;
/** A pull request with more comments than this (100 pages) is searched no further: a new comment is made instead. */
const MAX_PAGES = 100;
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Posts `body` as the pull request's one perfsuite comment: the comment holding `marker` is found with the REST
 * list-comments call and edited in place, or a new one is made. Node's own fetch; the token goes in one header and
 * nowhere else.
 */
export async function postComment(target: CommentTarget, marker: string, body: string): Promise<PostOutcome> {
  const base = `${target.apiUrl}/repos/${target.repository}`;
  const request = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object): Promise<Response> =>
    fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${target.token}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        'user-agent': 'perfsuite',
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  const refused = async (response: Response, what: string): Promise<PostOutcome> => {
    const detail = await response.text().then(
      (text) => {
        try {
          const message = (JSON.parse(text) as { message?: unknown }).message;
          return typeof message === 'string' ? message : '';
        } catch {
          return text.slice(0, 200);
        }
      },
      () => '',
    );
    const why =
      response.status === 403
        ? target.fromFork
          ? '; a pull request from a fork gets a read-only token: comment from a workflow_run job instead (docs/ci.md)'
          : '; the token may not write to pull requests: give the job permissions: pull-requests: write'
        : response.status === 404
          ? `; check GITHUB_REPOSITORY (${target.repository}), the pull request number (${target.pullRequest}) and GITHUB_API_URL, and that the token can see the repository`
          : '';
    return {
      kind: 'failed',
      status: response.status,
      message: `GitHub answered ${response.status} ${response.statusText} to ${what}${detail === '' ? '' : ` (${detail})`}${why}`,
    };
  };
  try {
    let existing: number | undefined;
    for (let page = 1; page <= MAX_PAGES && existing === undefined; page += 1) {
      const response = await request('GET', `${base}/issues/${target.pullRequest}/comments?per_page=${PAGE_SIZE}&page=${page}`);
      if (!response.ok) return await refused(response, 'listing the comments');
      const comments = (await response.json()) as readonly { readonly id?: unknown; readonly body?: unknown }[];
      existing = comments.find((c) => typeof c.body === 'string' && c.body.includes(marker) && typeof c.id === 'number')?.id as number | undefined;
      if (comments.length < PAGE_SIZE) break;
    }
    const response =
      existing === undefined
        ? await request('POST', `${base}/issues/${target.pullRequest}/comments`, { body })
        : await request('PATCH', `${base}/issues/comments/${existing}`, { body });
    if (!response.ok) return await refused(response, existing === undefined ? 'creating the comment' : 'updating the comment');
    const made = (await response.json()) as { readonly html_url?: unknown };
    return { kind: existing === undefined ? 'created' : 'updated', url: typeof made.html_url === 'string' ? made.html_url : '' };
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    return { kind: 'failed', message: `cannot reach ${target.apiUrl}: ${(error as Error).message}${cause === undefined ? '' : ` (${cause})`}` };
  }
}
