/**
 * The `PERFSUITE_*` variables every server's setup/teardown commands see (in their environment and as `${…}` in argv);
 * a server type's driver may add its own (src/servers/planners.ts `hookVariableNames`).
 */
export const SERVER_VARIABLES = ['PERFSUITE_SERVER', 'PERFSUITE_SERVER_HOST', 'PERFSUITE_CONTROL_PORT'] as const;

/** What `perfsuite bisect` adds for every arm: the commit it measures and the git worktree checked out at it (docs/commands.md, "bisect"). */
export const BISECT_VARIABLES = ['PERFSUITE_COMMIT', 'PERFSUITE_WORKTREE'] as const;

/** `${PERFSUITE_NAME}` in an argv element. */
export const HOOK_PLACEHOLDER = /\$\{(PERFSUITE_[A-Za-z0-9_]*)\}/g;

/** `${PERFSUITE_*}` names in an argv that are not among `known`, each once, in order of appearance. */
export function unknownHookVariables(argv: readonly string[], known: readonly string[]): string[] {
  const unknown = new Set<string>();
  for (const arg of argv) for (const [, name = ''] of arg.matchAll(HOOK_PLACEHOLDER)) if (!known.includes(name)) unknown.add(name);
  return [...unknown];
}

/** Whether an argv names one of `names`, as `${NAME}` (filled by perfsuite) or `$NAME` (read by a shell it runs). */
export function mentionsVariable(argv: readonly string[], names: readonly string[]): boolean {
  return argv.some((arg) => names.some((name) => new RegExp(`\\$(\\{${name}[}:]|${name}(?![A-Za-z0-9_]))`).test(arg)));
}
