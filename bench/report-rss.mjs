// Preloaded with --import: reports the process's peak resident memory on stderr at exit.
// VmHWM (Linux) rather than getrusage's maxrss, which can carry over the parent's peak across fork + exec.
import { readFileSync, writeSync } from 'node:fs';

process.on('exit', () => {
  let kb = process.resourceUsage().maxRSS;
  try {
    kb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? kb);
  } catch {
    // not Linux: keep maxRSS
  }
  writeSync(2, `\nPERFSUITE_BENCH_MAX_RSS_KB=${kb}\n`);
});
