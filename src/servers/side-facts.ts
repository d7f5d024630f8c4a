import { FACT_SYSCTLS, type LinkCounters, type QdiscFacts, type SideFacts } from '../model/server-facts.js';

/*
 * What shapes TCP on one side of a server's path, read by one small POSIX shell script wherever that side is (this
 * host, inside a namespace, on an ssh peer), and its output parsed here (pure, tested on recorded outputs).
 */

/**
 * The script that reads one side: `sh -c SIDE_FACTS_SCRIPT sh INTERFACE ADDRESS`. It prints each sysctl of FACT_SYSCTLS
 * that exists (`sysctl <path> <value>`), then for the interface on the path — INTERFACE, or when that is empty the one
 * `ip route get ADDRESS` names (`route …`) — its MTU (`mtu N`) and `tc -s qdisc show` of it. Both words reach it as
 * positional parameters, never spliced into it; nothing in it comes from a suite. It starts three programs (grep for every
 * sysctl at once, ip, tc), not one per file.
 */
export const SIDE_FACTS_SCRIPT = [
  'dev="$1"',
  'address="$2"',
  // one grep for every file, not $(cat …) per file (a fork and an exec each, 18 before the first netperf); not the
  // shell's read either: it reads a byte at a time, and a /proc/sys file read past its first byte says nothing more
  'files=',
  `for f in ${FACT_SYSCTLS.map((name) => `/proc/sys/${name.replaceAll('.', '/')}`).join(' ')}; do`,
  '  [ -r "$f" ] && files="$files $f"',
  'done',
  'if [ -n "$files" ]; then',
  '  grep -H "" $files 2>/dev/null | while IFS= read -r line; do printf \'sysctl %s %s\\n\' "${line%%:*}" "${line#*:}"; done',
  'fi',
  'if [ -z "$dev" ] && [ -n "$address" ]; then',
  '  r=$(ip -o route get "$address" 2>/dev/null)',
  '  echo "route $r"',
  '  set -- $r',
  '  while [ $# -gt 1 ]; do [ "$1" = dev ] && dev="$2"; shift; done',
  'fi',
  'if [ -n "$dev" ]; then',
  '  echo "interface $dev"',
  '  m=; [ -r "/sys/class/net/$dev/mtu" ] && IFS= read -r m < "/sys/class/net/$dev/mtu"',
  '  echo "mtu $m"',
  '  tc -s qdisc show dev "$dev" 2>/dev/null',
  'fi',
].join('\n');

/** At most this many qdiscs of an interface are kept (a NIC with mq has one per queue); the roots first. */
export const MAX_QDISCS = 8;
/** A qdisc's parameters are cut to this many characters. */
const MAX_PARAMETERS = 200;

/** One side's facts from the script's output, and the address this side sends from (`route … src A`), when it routed. */
export function parseSideFacts(stdout: string): { readonly facts: SideFacts; readonly source?: string } {
  const sysctls: Record<string, string> = {};
  let name: string | undefined;
  let mtu: number | undefined;
  let source: string | undefined;
  const qdiscLines: string[] = [];
  for (const line of stdout.split('\n')) {
    const sysctl = /^sysctl \/proc\/sys\/(\S+) (.*)$/.exec(line);
    if (sysctl !== null) {
      sysctls[(sysctl[1] ?? '').replaceAll('/', '.')] = (sysctl[2] ?? '').trim().split(/\s+/).join(' ');
      continue;
    }
    if (line.startsWith('route ')) {
      source = /\ssrc (\S+)/.exec(line)?.[1];
      continue;
    }
    if (line.startsWith('interface ')) name = line.slice('interface '.length).trim();
    else if (line.startsWith('mtu ')) {
      const value = Number(line.slice(4).trim());
      mtu = Number.isSafeInteger(value) && value > 0 ? value : undefined;
    } else qdiscLines.push(line);
  }
  const qdiscs = parseQdiscs(qdiscLines.join('\n'));
  return {
    facts: {
      sysctls,
      ...(name === undefined || name === '' ? {} : { interface: { name, ...(mtu === undefined ? {} : { mtu }), ...(qdiscs.length === 0 ? {} : { qdiscs }) } }),
    },
    ...(source === undefined ? {} : { source }),
  };
}

const QDISC_LINE = /^qdisc (\S+) (\S+)(?: dev \S+)? (root|ingress|parent (\S+))(?: refcnt \d+)?(.*)$/;
const SENT_LINE = /^\s*Sent \d+ bytes \d+ pkt \(dropped (\d+), overlimits (\d+)/;

/**
 * `tc -s qdisc show dev X` as qdiscs, roots first, at most MAX_QDISCS: each one's kind, parent (`root`, a class, or
 * `ingress`), parameters as tc prints them, and its dropped and overlimits counters.
 */
export function parseQdiscs(text: string): QdiscFacts[] {
  const qdiscs: QdiscFacts[] = [];
  let current: { kind: string; parent: string; parameters: string; drops: number; overlimits: number } | undefined;
  for (const line of text.split('\n')) {
    const head = QDISC_LINE.exec(line);
    if (head !== null) {
      if (current !== undefined) qdiscs.push(current);
      const [, kind = '', , where = '', parent, rest = ''] = head;
      // an ingress or clsact qdisc hangs off ffff:fff1 and prints a rule of dashes for parameters
      const isIngress = where === 'ingress' || kind === 'ingress' || kind === 'clsact';
      const parameters = rest.trim().replace(/^-+$/, '').slice(0, MAX_PARAMETERS);
      current = { kind, parent: isIngress ? 'ingress' : (parent ?? 'root'), parameters, drops: 0, overlimits: 0 };
      continue;
    }
    const sent = SENT_LINE.exec(line);
    if (sent !== null && current !== undefined) {
      current.drops = Number(sent[1]);
      current.overlimits = Number(sent[2]);
    }
  }
  if (current !== undefined) qdiscs.push(current);
  const rank = (q: QdiscFacts): number => (q.parent === 'root' ? 0 : q.parent === 'ingress' ? 1 : 2);
  return qdiscs.sort((a, b) => rank(a) - rank(b)).slice(0, MAX_QDISCS);
}

/**
 * The counters of one `tc -s -j qdisc show dev X` (one line of JSON, as `tc -j -batch -` answers each command), counted
 * once: a root counts its children's drops too (a tbf and the pfifo under it both count one), so only roots (`"root":
 * true`) and ingress qdiscs are summed. Throws on what is not that JSON.
 */
export function parseQdiscCounters(json: string): LinkCounters {
  const entries: unknown = JSON.parse(json);
  if (!Array.isArray(entries)) throw new Error(`tc printed ${json.slice(0, 80)}, not a list of qdiscs`);
  let drops = 0;
  let overlimits = 0;
  for (const entry of entries as Record<string, unknown>[]) {
    if (entry['root'] !== true && entry['kind'] !== 'ingress' && entry['kind'] !== 'clsact') continue;
    drops += typeof entry['drops'] === 'number' ? entry['drops'] : 0;
    overlimits += typeof entry['overlimits'] === 'number' ? entry['overlimits'] : 0;
  }
  return { drops, overlimits };
}
