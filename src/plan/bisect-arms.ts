import type { Diagnostic } from '../model/diagnostics.js';
import { BISECT_VARIABLES, mentionsVariable } from '../model/hook-variables.js';
import type { Case, SuiteSpec } from '../model/suite-types.js';

/** The role of each arm's server under `perfsuite bisect`: the control runs the good commit, a candidate the probe. */
export type BisectRole = 'control' | 'candidate';

/** What a bisect step measures, from suites that passed the bisect checks. */
export interface BisectArms {
  /** The cases of the `compare:` groups (the only ones a step measures), in suite order. */
  readonly cases: readonly Case[];
  /** Each arm's server, by `<suite>/<server>`: which commit its hooks get. */
  readonly roles: ReadonlyMap<string, BisectRole>;
  /** How many cases outside `compare:` groups were left out. */
  readonly leftOut: number;
}

/**
 * The bisect rules over suites that are valid on their own (docs/commands.md, "bisect"): every suite has a `compare:`
 * group, compared on `server` (an arm's commit reaches it through its server's hooks), and no server is the control of
 * one group and a candidate of another. Errors are `diagnostics`; a suite whose arms' hooks never use
 * `${PERFSUITE_WORKTREE}` or `${PERFSUITE_COMMIT}` gets a warning: every step would measure the same thing twice.
 */
export function bisectArms(
  suites: readonly SuiteSpec[],
  cases: readonly Case[],
): { readonly arms: BisectArms; readonly diagnostics: Diagnostic[]; readonly warnings: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const roles = new Map<string, BisectRole>();
  for (const suite of suites) {
    const compared = suite.groups.filter((group) => group.compare !== undefined);
    if (compared.length === 0) {
      diagnostics.push({
        loc: suite.loc,
        message: `suite '${suite.name}' has no compare: group, and perfsuite bisect measures each commit against the good one in a compare: group; add a group with matrix: { server: [good, probe] } and compare: { server: good }, each server's setup using \${PERFSUITE_WORKTREE}`,
      });
      continue;
    }
    for (const group of compared) {
      const compare = group.compare;
      if (compare === undefined || compare.axis === 'server') continue;
      diagnostics.push({
        loc: compare.loc,
        message: `group '${group.name}' compares on ${compare.axis}, but perfsuite bisect gives each arm its commit through its server's setup commands, so it compares on server; write compare: { server: <the good arm> } with a server per arm`,
      });
    }
    const armServers = new Set<string>();
    for (const c of cases.filter((c) => c.suite === suite.name && c.arm?.axis === 'server')) {
      const key = `${suite.name}/${c.server}`;
      const role = c.arm?.role ?? 'candidate';
      armServers.add(c.server);
      const earlier = roles.get(key);
      if (earlier !== undefined && earlier !== role) {
        diagnostics.push({
          loc: c.loc,
          message: `server '${c.server}' is a ${role} here and a ${earlier} in another compare: group, but under perfsuite bisect a server's hooks get one commit (the control the good one, a candidate the probe); give each role servers of its own`,
        });
      }
      roles.set(key, earlier ?? role);
    }
    const hooks = [...armServers].flatMap((name) => [...(suite.servers[name]?.setup ?? []), ...(suite.servers[name]?.teardown ?? [])]);
    if (armServers.size > 0 && !hooks.some((hook) => mentionsVariable(hook.argv, BISECT_VARIABLES))) {
      warnings.push({
        loc: hooks[0]?.loc ?? suite.loc,
        message: `the setup commands of ${[...armServers].map((s) => `'${s}'`).join(' and ')} never mention \${PERFSUITE_WORKTREE} or \${PERFSUITE_COMMIT}, so every step may measure the same software on both arms; build or apply each arm's commit from its worktree, like setup: [[./apply.sh, "\${PERFSUITE_WORKTREE}"]]`,
      });
    }
  }
  const measured = cases.filter((c) => c.arm?.axis === 'server' && roles.has(`${c.suite}/${c.server}`));
  return { arms: { cases: measured, roles, leftOut: cases.length - measured.length }, diagnostics, warnings };
}
