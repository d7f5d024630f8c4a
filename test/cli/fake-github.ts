import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the fake API answered: its method, path and query, Authorization header and JSON body. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
  readonly body: unknown;
}

export interface FakeGitHub {
  /** The API's base URL, as GITHUB_API_URL (under /api/v3, as GitHub Enterprise serves it). */
  readonly apiUrl: string;
  readonly requests: RecordedRequest[];
  /** The pull request's comments, oldest first. */
  readonly comments: { id: number; body: string }[];
  /** Answer every request of these methods with this status from now on (403 to a fork's token, 404). */
  refuse: { readonly status: number; readonly methods: readonly string[] } | undefined;
  close(): Promise<void>;
}

/**
 * The few REST calls `perfsuite comment` makes, served on 127.0.0.1 for one repository and pull request: list the
 * pull request's comments (paged, 100 a page at most), create one, update one.
 */
export async function fakeGitHub(repository: string, pullRequest: number, existing: readonly string[] = []): Promise<FakeGitHub> {
  const comments = existing.map((body, i) => ({ id: 1000 + i, body }));
  const requests: RecordedRequest[] = [];
  const state: { refuse: FakeGitHub['refuse'] } = { refuse: undefined };
  const base = `/api/v3/repos/${repository}`;
  const send = (response: ServerResponse, status: number, value: unknown): void => {
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  };
  const handle = (request: IncomingMessage, text: string, response: ServerResponse): void => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const body = text === '' ? undefined : (JSON.parse(text) as unknown);
    requests.push({ method: request.method ?? '', url: `${url.pathname}${url.search}`, authorization: request.headers.authorization, body });
    if (state.refuse?.methods.includes(request.method ?? '') === true) {
      const message = state.refuse.status === 403 ? 'Resource not accessible by integration' : 'Not Found';
      send(response, state.refuse.status, { message, documentation_url: 'https://docs.github.com/rest' });
      return;
    }
    const html = (id: number): string => `https://github.example/${repository}/pull/${pullRequest}#issuecomment-${id}`;
    if (request.method === 'GET' && url.pathname === `${base}/issues/${pullRequest}/comments`) {
      const perPage = Number(url.searchParams.get('per_page') ?? 30);
      const page = Number(url.searchParams.get('page') ?? 1);
      send(response, 200, comments.slice((page - 1) * perPage, page * perPage));
      return;
    }
    if (request.method === 'POST' && url.pathname === `${base}/issues/${pullRequest}/comments`) {
      const made = { id: 2000 + comments.length, body: (body as { body: string }).body };
      comments.push(made);
      send(response, 201, { ...made, html_url: html(made.id) });
      return;
    }
    const edited = /^\/api\/v3\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(url.pathname);
    const target = comments.find((c) => c.id === Number(edited?.[1]));
    if (request.method === 'PATCH' && target !== undefined) {
      target.body = (body as { body: string }).body;
      send(response, 200, { ...target, html_url: html(target.id) });
      return;
    }
    send(response, 404, { message: 'Not Found' });
  };
  const server = createServer((request, response) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => handle(request, text, response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/v3`,
    requests,
    comments,
    get refuse() {
      return state.refuse;
    },
    set refuse(value) {
      state.refuse = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
