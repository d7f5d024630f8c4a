import { formatHostPort } from '../model/seams.js';
import { formatLocation } from '../model/diagnostics.js';
import type { Plan, PlannedCase } from '../plan/plan-cases.js';
import { formatDuration } from '../model/format-metric.js';
import { shellQuote } from '../model/shell-quote.js';
import type { Selection } from '../model/results.js';
import { repeatRange } from '../model/suite-types.js';
import { plural } from '../model/words.js';
import { defined } from '../model/defined.js';

/** What the filters and the shard did, in a line or two. */
export function describeSelection(selection: Selection): string[] {
  const lines: string[] = [];
  if (selection.filters.length > 0) lines.push(`filter ${selection.filters.map((f) => `'${f}'`).join(' ')}: ${selection.matched} of ${selection.of} cases`);
  const added = selection.controlsAdded ?? [];
  if (added.length > 0) {
    lines.push(
      `kept ${plural(added.length, 'control')} the filter did not match, because a selected candidate is judged against ${added.length === 1 ? 'it' : 'them'}: ${added.slice(0, 5).join(', ')}${added.length > 5 ? ` and ${added.length - 5} more` : ''}`,
    );
  }
  if (selection.shard !== undefined) {
    const { index, total, estimatedSeconds } = selection.shard;
    lines.push(
      `shard ${index}/${total}: estimated ${formatDuration(estimatedSeconds[index - 1] ?? 0)} (all shards: ${estimatedSeconds.map(formatDuration).join(', ')})`,
    );
  }
  return lines;
}

/** The plan for people: servers, then every case with its source line and exact netperf command. */
export function renderPlanText(plan: Plan, selection?: Selection): string {
  const lines: string[] = selection === undefined ? [] : [...describeSelection(selection), ''];
  for (const server of plan.servers) {
    const how = server.netserver === undefined ? 'already running' : server.netserver.map(shellQuote).join(' ');
    lines.push(`server ${server.key} (${server.type}) ${formatHostPort(server.host, server.controlPort)}: ${how}`);
    for (const [when, hooks] of [
      ['setup', server.setup],
      ['teardown', server.teardown],
    ] as const) {
      for (const hook of hooks)
        lines.push(`  ${when}${hook.inNamespace ? ' (in its namespace)' : ''}: ${hook.argv.map(shellQuote).join(' ')}  ${formatLocation(hook.loc)}`);
    }
  }
  if (plan.servers.length > 0) lines.push('');
  for (const planned of plan.cases) {
    const arm = planned.case.arm;
    if (arm?.role === 'control') {
      const { min, max } = repeatRange(planned.case.params);
      const rounds = min === max ? `${min} rounds` : `${min} to ${max} rounds (more only while a comparison is inconclusive)`;
      lines.push(`compare ${arm.axis}: control ${arm.axis}=${arm.value}, interleaved in ${rounds}, each round one run of every arm in a seeded random order`);
    }
    const role = arm === undefined ? '' : arm.role === 'control' ? '  [control]' : `  [candidate vs ${arm.axis}=${arm.controlValue}]`;
    lines.push(`${planned.case.id}${role}  ${formatLocation(planned.case.loc)}`);
    lines.push(`  ${planned.netperf.map(shellQuote).join(' ')}`);
    for (const flow of planned.load ?? []) lines.push(`  under load, ${flow.streams} at once: ${flow.netperf.map(shellQuote).join(' ')}`);
  }
  lines.push('', `${plural(plan.cases.length, 'case')}, estimated ${formatDuration(plan.estimatedSeconds)}`);
  return `${lines.join('\n')}\n`;
}

/** `plan --json` (docs/commands.md, "plan"), in pieces so a 100,000-case plan never sits in memory as one string. */
export function* renderPlanJson(
  plan: { readonly cases: Iterable<PlannedCase>; readonly summary: () => Pick<Plan, 'servers' | 'estimatedSeconds'> },
  selection?: Selection,
): Generator<string> {
  yield '{\n  "cases": [';
  let first = true;
  let chunk = '';
  for (const planned of plan.cases) {
    const c = planned.case;
    const entry = {
      id: c.id,
      suite: c.suite,
      group: c.group,
      server: c.server,
      params: c.params,
      ...defined({ arm: c.arm }),
      netperf: planned.netperf,
      ...defined({ load: planned.load }),
      file: c.loc.file,
      line: c.loc.line,
      estimatedSeconds: Math.round(planned.estimatedSeconds * 1000) / 1000,
    };
    chunk += `${first ? '' : ','}\n    ${JSON.stringify(entry)}`;
    first = false;
    if (chunk.length > 1 << 16) {
      yield chunk;
      chunk = '';
    }
  }
  const { servers: plannedServers, estimatedSeconds } = plan.summary();
  const servers = plannedServers.map((s) => `\n    ${JSON.stringify(s)}`).join(',');
  const selected = selection === undefined ? '' : `,\n  "selection": ${JSON.stringify(selection)}`;
  yield `${chunk}\n  ],\n  "servers": [${servers}${servers === '' ? '' : '\n  '}],\n  "estimatedSeconds": ${Math.round(estimatedSeconds * 1000) / 1000}${selected}\n}\n`;
}
