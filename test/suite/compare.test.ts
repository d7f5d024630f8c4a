import { describe, expect, it } from 'vitest';
import type { Case } from '../../src/model/suite-types.js';
import { selectCases } from '../../src/plan/select-cases.js';
import { compileSuites, loadSuiteText } from '../../src/suite/load-suite.js';

/** Loads one suite from text; returns its cases, or the messages of its diagnostics (line:col message). */
function compile(yaml: string): { cases: Case[]; errors: string[] } {
  const { suite, diagnostics } = loadSuiteText(yaml, { file: 'ab.yml', lookupVariable: () => undefined });
  if (diagnostics.length > 0 || suite === undefined) return { cases: [], errors: diagnostics.map((d) => `${d.loc.line}:${d.loc.col} ${d.message}`) };
  const compiled = compileSuites([suite]);
  return { cases: compiled.cases, errors: compiled.diagnostics.map((d) => `${d.loc.line}:${d.loc.col} ${d.message}`) };
}

const SERVERS = `version: 1
name: ab
servers:
  base: { type: netns, link: { rate: 100mbit } }
  head: { type: netns, link: { rate: 95mbit } }
`;

const AB = `${SERVERS}tests:
  - name: bulk
    duration: 1s
    matrix:
      server: [base, head]
      test: [TCP_STREAM, TCP_RR]
    compare: { server: base }
    regression:
      throughput: 2%
      transaction_rate: 2%
`;

describe('server as a matrix axis and compare:', () => {
  it('puts the server in the id (as an axis), never in params, and pairs each candidate with its control', () => {
    const { errors } = compile(AB.replace('      transaction_rate: 2%\n', ''));
    // throughput is not produced by TCP_RR: that is an error with its line, nothing else
    expect(errors).toEqual([expect.stringMatching(/^14:7 regression on throughput cannot be judged for case ab\/bulk\[server=base,test=TCP_RR\]/)]);
    const fine = compile(AB.replace('      test: [TCP_STREAM, TCP_RR]\n', '      test: [TCP_STREAM]\n').replace('      transaction_rate: 2%\n', ''));
    expect(fine.errors).toEqual([]);
    expect(fine.cases.map((c) => [c.id, c.server, c.arm?.role, c.arm?.control])).toEqual([
      ['ab/bulk[server=base,test=TCP_STREAM]', 'base', 'control', 'ab/bulk[server=base,test=TCP_STREAM]'],
      ['ab/bulk[server=head,test=TCP_STREAM]', 'head', 'candidate', 'ab/bulk[server=base,test=TCP_STREAM]'],
    ]);
    expect(fine.cases[0]?.params).not.toHaveProperty('server');
    // compare: groups default to repeat { min: 7, max: 20 }
    expect(fine.cases[1]?.params.repeat).toEqual({ min: 7, max: 20 });
    expect(fine.cases[1]?.arm).toMatchObject({ axis: 'server', value: 'head', controlValue: 'base' });
  });

  it('lists each control with its candidates, control first, whatever the axis order', () => {
    const yaml = `${SERVERS}tests:
  - name: rr
    test: TCP_RR
    duration: 1s
    matrix:
      server: [head, base]
      request_size: [1, 64]
    compare: { server: base }
    regression: { transaction_rate: 3% }
`;
    const { cases, errors } = compile(yaml);
    expect(errors).toEqual([]);
    expect(cases.map((c) => c.id)).toEqual([
      'ab/rr[request_size=1,server=base]',
      'ab/rr[request_size=1,server=head]',
      'ab/rr[request_size=64,server=base]',
      'ab/rr[request_size=64,server=head]',
    ]);
  });

  it('compares along any axis, e.g. socket_buffer, with the server kept fixed', () => {
    const yaml = `${SERVERS}tests:
  - name: buffers
    server: base
    test: TCP_STREAM
    duration: 1s
    matrix:
      socket_buffer: [default, 64K, 1M]
    compare: { socket_buffer: default }
    regression: { throughput: 5% }
`;
    const { cases, errors } = compile(yaml);
    expect(errors).toEqual([]);
    expect(cases.map((c) => [c.arm?.role, c.arm?.value, c.arm?.controlValue])).toEqual([
      ['control', 'default', 'default'],
      ['candidate', '64K', 'default'],
      ['candidate', '1M', 'default'],
    ]);
  });

  it('says, at its line, when compare names no axis, a value the axis lacks, or a group has no tolerance to judge', () => {
    const notAxis = compile(AB.replace('compare: { server: base }', 'compare: { servr: base }'));
    expect(notAxis.errors).toEqual([
      expect.stringMatching(/^12:16 compare: 'servr' is not a matrix axis of this group; did you mean 'server'\? \(axes: server, test\)/),
    ]);
    const badValue = compile(AB.replace('compare: { server: base }', 'compare: { server: bsae }'));
    expect(badValue.errors).toEqual([
      expect.stringMatching(/^12:24 compare: the control server 'bsae' is not one of the axis values; did you mean 'base'\? \(base, head\)/),
    ]);
    const bare = compile(AB.replace('compare: { server: base }', 'compare: server'));
    expect(bare.errors).toEqual([
      "12:14 compare must be an object, not a string 'server'; name the axis and its control value, like compare: { server: <the server every other value is compared with> }",
    ]);
    const noTolerance = compile(AB.replace(/ {4}regression:\n.*\n.*\n/, ''));
    expect(noTolerance.errors).toEqual([expect.stringMatching(/^12:5 compare: judges the regression: tolerances of the group, and this group has none/)]);
  });

  it('refuses a case without a control sibling, and fewer rounds than the paired test needs', () => {
    const noSibling = compile(
      AB.replace('      test: [TCP_STREAM, TCP_RR]\n', '      test: [TCP_STREAM]\n      exclude:\n        - { server: base, test: TCP_STREAM }\n').replace(
        '      transaction_rate: 2%\n',
        '',
      ),
    );
    expect(noSibling.errors).toEqual([
      expect.stringMatching(/case ab\/bulk\[server=head,test=TCP_STREAM\] has no control to compare with: no case of group 'bulk' has server=base/),
    ]);
    const fewRounds = compile(
      AB.replace('    duration: 1s\n', '    duration: 1s\n    repeat: 5\n')
        .replace('      test: [TCP_STREAM, TCP_RR]\n', '      test: [TCP_STREAM]\n')
        .replace('      transaction_rate: 2%\n', ''),
    );
    // one message for the group, at the repeat: line, saying what to write
    expect(fewRounds.errors).toEqual([
      expect.stringMatching(
        /^9:13 compare: group 'bulk' measures 5 rounds \(2 cases, from repeat: or --repeat\), and the paired test needs at least 7 to reach α = 0.01/,
      ),
    ]);
    const inverted = compile(AB.replace('    duration: 1s\n', '    duration: 1s\n    repeat: { min: 9, max: 5 }\n'));
    expect(inverted.errors).toEqual([expect.stringMatching(/^9:13 repeat: repeat is \{ min, max \}, but 9 > 5; swap them/)]);
  });

  it('rejects unknown servers in the axis, and a group that names a server and sweeps it too', () => {
    const unknown = compile(AB.replace('server: [base, head]', 'server: [base, haed]'));
    expect(unknown.errors).toContainEqual(expect.stringMatching(/^10:22 unknown server 'haed' in group 'bulk'; did you mean 'head'\?/));
    const both = compile(AB.replace('    duration: 1s\n', '    duration: 1s\n    server: base\n'));
    expect(both.errors).toContainEqual(expect.stringMatching(/names a server and also sweeps server in its matrix/));
  });

  it('filters by server, keeps the control of a selected candidate (and says so), and never splits a unit across shards', () => {
    const yaml = `${SERVERS}tests:
  - name: bulk
    test: TCP_STREAM
    duration: 1s
    matrix:
      server: [base, head]
      send_size: [1K, 2K, 4K, 8K]
    compare: { server: base }
    regression: { throughput: 2% }
`;
    const { cases } = compile(yaml);
    const heads = selectCases(cases, { filters: ['server=head', 'send_size=2K'] });
    expect(heads.cases.map((c) => c.id)).toEqual(['ab/bulk[send_size=2K,server=base]', 'ab/bulk[send_size=2K,server=head]']);
    expect(heads.selection.controlsAdded).toEqual(['ab/bulk[send_size=2K,server=base]']);
    for (const shard of [1, 2, 3]) {
      const mine = selectCases(cases, { filters: [], shard: `${shard}/3` }).cases;
      for (const c of mine) expect(mine.map((m) => m.id)).toContain(c.arm?.control);
    }
  });
});

describe('setup and teardown commands', () => {
  it('refuses, at validation, a ${PERFSUITE_*} name the server type does not have, or a misspelt one', () => {
    const { errors } = compile(`version: 1
name: hooks
servers:
  a: { type: local, setup: [[echo, "\${PERFSUITE_NETNS}"]], teardown: [[echo, "\${PERFSUITE_SERVR}"]] }
  b: { type: netns, setup: [[echo, "\${PERFSUITE_NETNS_IF}"]] }
tests:
  - { name: t, server: a, test: TCP_RR, duration: 1s }
`);
    expect(errors).toEqual([
      expect.stringMatching(/^4:29 \$\{PERFSUITE_NETNS\} is not a variable setup and teardown commands get \(it is set only for type: netns servers\)/),
      expect.stringMatching(/^4:71 \$\{PERFSUITE_SERVR\} is not a variable setup and teardown commands get; did you mean 'PERFSUITE_SERVER'\?/),
    ]);
  });
});
