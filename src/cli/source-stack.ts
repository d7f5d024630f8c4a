import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A stack trace with every position in perfsuite's built code (the bundle bin/perfsuite.js runs, or tsc's dist/) given
 * as the line of src/ it came from, read from the `.map` file beside it: what a bug report needs. Mapped here, when an
 * unexpected error is printed, not by Node on every start (`--enable-source-maps` reads every map as each file loads,
 * about 15 ms of each run; docs/architecture.md, "Before the first netperf"). A position without a map stays as it was.
 */
export function sourceStack(stack: string): string {
  try {
    return mappedStack(stack);
  } catch {
    // the error being reported matters more than mapping it: an odd frame leaves the stack as it was
    return stack;
  }
}

function mappedStack(stack: string): string {
  const maps = new Map<string, SourceMap | undefined>();
  const mapOf = (file: string): SourceMap | undefined => {
    if (!maps.has(file)) {
      try {
        maps.set(file, new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]));
      } catch {
        maps.set(file, undefined);
      }
    }
    return maps.get(file);
  };
  // a position as an ES module's frame gives it (file:///…/x.js:3:4) or a CommonJS one's (/…/main.cjs:1:2345)
  return stack.replace(/(file:\/\/[^\s()]+?\.js|\/[^\s():]+?\.c?js):(\d+):(\d+)/g, (position: string, where: string, line: string, column: string) => {
    const file = where.startsWith('file:') ? fileURLToPath(where) : where;
    const entry = mapOf(file)?.findEntry(Number(line) - 1, Number(column) - 1) as
      { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
    if (entry?.originalSource === undefined || entry.originalLine === undefined || entry.originalColumn === undefined) return position;
    const source = entry.originalSource.startsWith('file:') ? fileURLToPath(entry.originalSource) : path.resolve(path.dirname(file), entry.originalSource);
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}
