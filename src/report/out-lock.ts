import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { defined } from '../model/defined.js';

/** The lock a run holds on its output directory while it writes there (docs/ci.md: one run per --out). */
export const LOCK_FILE = '.perfsuite.lock';

/** Who holds the lock: enough to tell a live run from a killed one, even when its pid was given to another process. */
export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  /** The process's start time in clock ticks since boot (/proc/<pid>/stat field 22), where the system has /proc. */
  readonly startTicks?: number;
  readonly startedAt: string;
}

export type LockOutcome =
  | { readonly kind: 'taken'; readonly release: () => void; readonly tookOverFrom?: LockOwner }
  | { readonly kind: 'held'; readonly owner: LockOwner };

/** Field 22 of /proc/<pid>/stat (after the command name, which may hold spaces and parentheses). */
function startTicksOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state), so field 22 is fields[19]
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the lock's owner still runs: same host, its pid alive, and (where known) started when the lock says. */
function isAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true; // another machine's run (a shared disk): never taken over from here
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const ticks = startTicksOf(owner.pid);
  return owner.startTicks === undefined || ticks === undefined || ticks === owner.startTicks;
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockOwner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string' ? (owner as LockOwner) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes `<dir>/.perfsuite.lock` for this process, so two runs never write one results.json. A lock whose owner is
 * gone (a SIGKILLed run, a machine that rebooted) is taken over, and the caller says so; a live one is not.
 */
export function lockOutDir(dir: string): LockOutcome {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LOCK_FILE);
  const ticks = startTicksOf(process.pid);
  const me: LockOwner = { pid: process.pid, host: hostname(), ...defined({ startTicks: ticks }), startedAt: new Date().toISOString() };
  let tookOverFrom: LockOwner | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      // 'wx': created only if absent, so of two runs starting together exactly one gets it
      writeFileSync(file, `${JSON.stringify(me)}\n`, { flag: 'wx' });
      const release = (): void => {
        if (readOwner(file)?.pid === me.pid) rmSync(file, { force: true });
      };
      return { kind: 'taken', release, ...defined({ tookOverFrom }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readOwner(file);
    if (owner !== undefined && isAlive(owner)) return { kind: 'held', owner };
    // a lock nobody holds any more (or one left half-written): remove it and try once more
    tookOverFrom = owner ?? { pid: 0, host: '?', startedAt: '?' };
    if (existsSync(file)) rmSync(file, { force: true });
  }
  const owner = readOwner(file);
  return { kind: 'held', owner: owner ?? { pid: 0, host: '?', startedAt: '?' } };
}
