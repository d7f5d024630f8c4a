// Preloaded with --import: reports the process's peak resident memory on stderr at exit.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  writeSync(2, `\nPERFSUITE_BENCH_MAX_RSS_KB=${process.resourceUsage().maxRSS}\n`);
});
