import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
  { readonly kind: 'taken'; readonly release: () => void; readonly tookOverFrom?: LockOwner } | { readonly kind: 'held'; readonly owner: LockOwner };

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

/** An owner that cannot be read: a lock file made by hand, or cut short. */
const UNKNOWN_OWNER: LockOwner = { pid: 0, host: '?', startedAt: '?' };
/** An unreadable lock younger than this is taken to be held (its writer may be a perfsuite of another version). */
const UNREADABLE_LOCK_GRACE_MS = 10_000;

function sameOwner(a: LockOwner | undefined, b: LockOwner | undefined): boolean {
  return a !== undefined && b !== undefined && a.pid === b.pid && a.host === b.host && a.startedAt === b.startedAt;
}

/**
 * Takes `<dir>/.perfsuite.lock` for this process, so two runs never write one results.json. The lock appears whole
 * (written aside, then hard-linked into place: of two runs starting together exactly one gets it). A lock whose owner
 * is gone (a SIGKILLed run, a machine that rebooted) is moved aside under a name of this process's own and taken over
 * only if what was moved is still the lock judged dead (else it goes back): two runs taking over one dead lock
 * cannot both win. The caller says when it took one over.
 */
export function lockOutDir(dir: string): LockOutcome {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LOCK_FILE);
  const ticks = startTicksOf(process.pid);
  const me: LockOwner = { pid: process.pid, host: hostname(), ...defined({ startTicks: ticks }), startedAt: new Date().toISOString() };
  const mine = `${file}.${process.pid}.new`;
  const aside = `${file}.${process.pid}.stale`;
  writeFileSync(mine, `${JSON.stringify(me)}\n`);
  let tookOverFrom: LockOwner | undefined;
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(mine, file);
        const release = (): void => {
          if (sameOwner(readOwner(file), me)) rmSync(file, { force: true });
        };
        return { kind: 'taken', release, ...defined({ tookOverFrom }) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const owner = readOwner(file);
      if (owner !== undefined && isAlive(owner)) return { kind: 'held', owner };
      if (owner === undefined && Date.now() - mtimeMs(file) < UNREADABLE_LOCK_GRACE_MS) return { kind: 'held', owner: UNKNOWN_OWNER };
      try {
        renameSync(file, aside);
      } catch (error) {
        // another run moved it first: try again
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      const moved = readOwner(aside);
      if (owner === undefined ? moved === undefined : sameOwner(moved, owner)) {
        tookOverFrom = owner ?? UNKNOWN_OWNER;
        rmSync(aside, { force: true });
        continue;
      }
      // what was moved is a newer lock, a live run's: put it back, and it holds the directory
      try {
        linkSync(aside, file);
      } catch {
        // a third run took the name meanwhile: it holds the directory
      }
      rmSync(aside, { force: true });
      return { kind: 'held', owner: moved ?? UNKNOWN_OWNER };
    }
    return { kind: 'held', owner: readOwner(file) ?? UNKNOWN_OWNER };
  } finally {
    rmSync(mine, { force: true });
  }
}

function mtimeMs(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}
