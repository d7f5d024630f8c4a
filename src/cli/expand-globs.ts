import { readdirSync, type Dirent } from 'node:fs';
import path from 'node:path';

const GLOB_CHARS = /[*?[{]/;

/** Expands shell-style globs (`*`, `?`, `[...]`, `{a,b}`, `**`) so quoted patterns work like expanded ones. */
export function expandGlobs(patterns: readonly string[], cwd: string): { files: string[]; unmatched: string[] } {
  const files = new Set<string>();
  const unmatched: string[] = [];
  for (const pattern of patterns) {
    if (!GLOB_CHARS.test(pattern)) {
      files.add(pattern);
      continue;
    }
    const found = matchPattern(pattern, cwd);
    if (found.length === 0) unmatched.push(pattern);
    for (const file of found) files.add(file);
  }
  return { files: [...files], unmatched };
}

function matchPattern(pattern: string, cwd: string): string[] {
  const segments = pattern.split('/');
  const literal: string[] = [];
  while (segments.length > 1 && !GLOB_CHARS.test(segments[0] ?? '')) literal.push(segments.shift() ?? '');
  const base = literal.join('/') || (pattern.startsWith('/') ? '/' : '');
  const results: string[] = [];
  walk(base, segments, cwd, results);
  return results.sort();
}

function walk(dir: string, segments: readonly string[], cwd: string, results: string[]): void {
  const [segment, ...rest] = segments;
  if (segment === undefined) return;
  let entries: Dirent[];
  try {
    entries = readdirSync(path.resolve(cwd, dir || '.'), { withFileTypes: true });
  } catch {
    return;
  }
  const join = (name: string): string => (dir === '' ? name : dir === '/' ? `/${name}` : `${dir}/${name}`);
  if (segment === '**') {
    walk(dir, rest, cwd, results);
    for (const entry of entries) {
      if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules') walk(join(entry.name), segments, cwd, results);
    }
    return;
  }
  const regex = segmentToRegExp(segment);
  for (const entry of entries) {
    if (entry.name.startsWith('.') && !segment.startsWith('.')) continue;
    if (!regex.test(entry.name)) continue;
    if (rest.length === 0) {
      if (entry.isFile() || entry.isSymbolicLink()) results.push(join(entry.name));
    } else if (entry.isDirectory()) {
      walk(join(entry.name), rest, cwd, results);
    }
  }
}

function segmentToRegExp(segment: string): RegExp {
  let source = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i] ?? '';
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const end = segment.indexOf(']', i + 1);
      if (end === -1) source += '\\[';
      else {
        source += `[${segment.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '{') {
      const end = segment.indexOf('}', i + 1);
      if (end === -1) source += '\\{';
      else {
        source += `(?:${segment.slice(i + 1, end).split(',').map(escapeRegExp).join('|')})`;
        i = end;
      }
    } else source += escapeRegExp(c);
  }
  return new RegExp(`^${source}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
