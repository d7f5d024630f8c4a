import { Command } from '@commander-js/extra-typings';
import { ExitCode, UsageError } from '../model/errors.js';
import { commentMarker, type CommentLinks, renderComment } from '../report/render-comment.js';
import { mergeResults } from '../results/merge-results.js';
import { readResultsFiles } from '../results/read-results.js';
import { commentTarget, postComment } from './github-comment.js';
import { type CliIo, type Exit, warnRun } from './io.js';

export function command(io: CliIo, exit: Exit) {
  return new Command('comment')
    .argument('<results.json...>', 'results of the run (several: the shards of one run, joined)')
    .description(
      "post the run's verdict as one comment on the pull request, edited in place on every later run (GITHUB_TOKEN with pull-requests: write); outside a pull request it says why and posts nothing",
    )
    .option('--pr <number>', 'the pull request to comment on (default: the one in GITHUB_EVENT_PATH; a workflow_run job passes it)')
    .option('--reports-url <url>', 'where the uploaded reports are (default: the run page’s artifacts)')
    .option('--dry-run', 'print the comment instead of posting it')
    .action(async (files, options) => exit(await comment(files, options, io)));
}

export interface CommentOptions {
  readonly pr?: string | undefined;
  readonly reportsUrl?: string | undefined;
  readonly dryRun?: boolean | undefined;
}

/**
 * `perfsuite comment`: renders the comment from results.json alone and posts it. Whatever GitHub answers, the exit code
 * is 0 (a warning names the status): a comment is a courtesy, the gate is `run`'s exit code.
 */
export async function comment(files: readonly string[], options: CommentOptions, io: CliIo): Promise<number> {
  const pr = options.pr === undefined ? undefined : Number(options.pr);
  if (pr !== undefined && !(Number.isInteger(pr) && pr > 0)) throw new UsageError(`--pr takes a pull request number, like --pr 42, not '${options.pr ?? ''}'`);
  const result = mergeResults(readResultsFiles(files, io.cwd), files);
  const body = renderComment(result, linksOf(io.env, options.reportsUrl));
  if (options.dryRun === true) {
    await io.stdout(body);
    return ExitCode.ok;
  }
  const found = commentTarget(io.env, pr);
  if ('reason' in found) {
    await io.stdout(`perfsuite: no pull-request comment: ${found.reason}\n`);
    return ExitCode.ok;
  }
  const { target } = found;
  const outcome = await postComment(target, commentMarker(result), body);
  // the token is never said; should an answer echo it back, it is masked all the same
  const masked = (text: string): string => (target.token.length < 4 ? text : text.replaceAll(target.token, '***'));
  if (outcome.kind === 'failed') {
    warnRun(io, 'pull-request comment', masked(`the comment on pull request #${target.pullRequest} was not posted: ${outcome.message}`));
    return ExitCode.ok;
  }
  await io.stdout(masked(`perfsuite: ${outcome.kind} the comment on pull request #${target.pullRequest}${outcome.url === '' ? '' : `: ${outcome.url}`}\n`));
  return ExitCode.ok;
}

/** The run page (its job summary) from GitHub's variables, and the reports: `--reports-url`, else the run's artifacts. */
function linksOf(env: NodeJS.ProcessEnv, reportsUrl: string | undefined): CommentLinks {
  const server = (env['GITHUB_SERVER_URL'] ?? '').replace(/\/+$/, '');
  const repository = env['GITHUB_REPOSITORY'] ?? '';
  const runId = env['GITHUB_RUN_ID'] ?? '';
  const summary = server !== '' && repository !== '' && runId !== '' ? `${server}/${repository}/actions/runs/${runId}` : undefined;
  const reports = reportsUrl ?? (summary === undefined ? undefined : `${summary}#artifacts`);
  return { ...(summary === undefined ? {} : { summary }), ...(reports === undefined ? {} : { reports }) };
}
