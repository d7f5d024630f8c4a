import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers.js';
import { BISECT_VARIABLES, mentionsVariable } from '../../src/model/hook-variables.js';
import { bisectArms } from '../../src/plan/bisect-arms.js';
import { compileSuites, loadSuiteText } from '../../src/suite/load-suite.js';

const SUITE = readFileSync(path.join(projectRoot, 'test/fixtures/suites/bisect/arms.yml'), 'utf8');

/** The suite read as bisect reads it (or as run does, without `bisect`): messages as `line:col message`. */
function check(yaml: string, options: { bisect?: boolean } = { bisect: true }) {
  const { suite, diagnostics } = loadSuiteText(yaml, {
    file: 'b.yml',
    lookupVariable: () => undefined,
    ...(options.bisect === true ? { hookVariables: BISECT_VARIABLES } : {}),
  });
  const text = (list: readonly { loc: { line: number; col: number }; message: string }[]) => list.map((d) => `${d.loc.line}:${d.loc.col} ${d.message}`);
  if (suite === undefined || diagnostics.length > 0) return { errors: text(diagnostics), warnings: [], arms: undefined };
  const { cases } = compileSuites([suite]);
  const checked = bisectArms([suite], cases);
  return { errors: text(checked.diagnostics), warnings: text(checked.warnings), arms: checked.arms };
}

describe('suites under perfsuite bisect', () => {
  it('know ${PERFSUITE_COMMIT} and ${PERFSUITE_WORKTREE} in hooks; measure only the compare: groups, the control arm getting the good commit', () => {
    const { errors, warnings, arms } = check(SUITE);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    expect(arms?.cases.map((c) => c.id)).toEqual(['b/bulk[server=good]', 'b/bulk[server=probe]']);
    expect(arms?.leftOut).toBe(1);
    expect([...(arms?.roles ?? [])]).toEqual([
      ['b/good', 'control'],
      ['b/probe', 'candidate'],
    ]);
  });

  it('outside bisect, reject those names in hooks and say where they are set', () => {
    const { errors } = check(SUITE, {});
    expect(errors).toContain(
      '4:32 ${PERFSUITE_WORKTREE} is not a variable setup and teardown commands get (it is set only under perfsuite bisect, for the commit each arm measures; check such a suite with perfsuite validate --bisect); use one of ${PERFSUITE_SERVER}, ${PERFSUITE_SERVER_HOST}, ${PERFSUITE_CONTROL_PORT}, ${PERFSUITE_NETNS}, ${PERFSUITE_HOST_IF}, ${PERFSUITE_NETNS_IF}',
    );
  });

  it('is an error without a compare: group, on another axis than server, or with a server in both roles', () => {
    expect(check(SUITE.replace('    compare: { server: good }\n', '')).errors).toEqual([
      "2:7 suite 'b' has no compare: group, and perfsuite bisect measures each commit against the good one in a compare: group; add a group with matrix: { server: [good, probe] } and compare: { server: good }, each server's setup using ${PERFSUITE_WORKTREE}",
    ]);
    const onCc = check(
      SUITE.replace('matrix: { server: [good, probe] }', 'matrix: { congestion_control: [cubic, reno] }').replace(
        'compare: { server: good }',
        'compare: { congestion_control: cubic }',
      ),
    );
    expect(onCc.errors).toEqual([
      expect.stringMatching(
        /^10:5 group 'bulk' compares on congestion_control, but perfsuite bisect gives each arm its commit through its server's setup commands/,
      ),
    ]);
    const swapped = `${SUITE}  - name: swapped\n    test: TCP_STREAM\n    matrix: { server: [good, probe] }\n    compare: { server: probe }\n    regression: { throughput: 5% }\n`;
    expect(check(swapped).errors).toEqual([
      expect.stringMatching(/^17:30 server 'probe' is a control here and a candidate in another compare: group/),
      expect.stringMatching(/^17:24 server 'good' is a candidate here and a control in another compare: group/),
    ]);
  });

  it('warn when the arms’ hooks never mention either name, in ${…} or as $NAME in a shell string', () => {
    const silent = SUITE.replaceAll('[./build.sh, "${PERFSUITE_WORKTREE}", "${PERFSUITE_COMMIT}"]', '[./build.sh]');
    expect(check(silent).warnings).toEqual([
      "4:32 the setup commands of 'good' and 'probe' never mention ${PERFSUITE_WORKTREE} or ${PERFSUITE_COMMIT}, so every step may measure the same software on both arms; build or apply each arm's commit from its worktree, like setup: [[./apply.sh, \"${PERFSUITE_WORKTREE}\"]]",
    ]);
    const shell = SUITE.replaceAll('[./build.sh, "${PERFSUITE_WORKTREE}", "${PERFSUITE_COMMIT}"]', '[sh, -c, "make -C $PERFSUITE_WORKTREE install"]');
    expect(check(shell).warnings).toEqual([]);
  });

  it('mentionsVariable sees ${NAME}, ${NAME:-x} and $NAME, not a longer name', () => {
    const names = ['PERFSUITE_COMMIT'];
    expect(mentionsVariable(['x${PERFSUITE_COMMIT}y'], names)).toBe(true);
    expect(mentionsVariable(['${PERFSUITE_COMMIT:-HEAD}'], names)).toBe(true);
    expect(mentionsVariable(['git -C . checkout $PERFSUITE_COMMIT'], names)).toBe(true);
    expect(mentionsVariable(['$PERFSUITE_COMMITS', '${PERFSUITE_COMMITTER}', 'PERFSUITE_COMMIT'], names)).toBe(false);
  });
});
