import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliIo, useColor } from '../../src/cli/io.js';
import { projectRoot, tempDir } from '../helpers.js';

const io = (env: NodeJS.ProcessEnv, isTTY: boolean): CliIo => ({ stdout: () => undefined, stderr: () => undefined, cwd: '/', env, isTTY });

describe('colour', () => {
  it('is used on a terminal unless NO_COLOR holds a value (an empty NO_COLOR does not count, no-color.org)', () => {
    expect(useColor(io({}, true))).toBe(true);
    expect(useColor(io({ NO_COLOR: '' }, true))).toBe(true);
    expect(useColor(io({ NO_COLOR: '1' }, true))).toBe(false);
    expect(useColor(io({}, false))).toBe(false);
  });
});

describe('stdout', { tags: ['dist'] }, () => {
  it('goes quiet when its reader has gone (perfsuite plan … | head): exit 0, nothing on stderr', () => {
    const dir = tempDir('epipe');
    const sizes = Array.from({ length: 3000 }, (_, i) => i + 1).join(', ');
    const suite = path.join(dir, 'big.yml');
    writeFileSync(suite, `version: 1\nname: big\ntests:\n  - name: rr\n    test: TCP_RR\n    duration: 1s\n    matrix:\n      request_size: [${sizes}]\n`);
    // the plan is far larger than a pipe holds; head reads two lines and closes its end
    const direct = spawnSync(
      'bash',
      [
        '-c',
        `"$0" "$1" plan "$2" --max-cases 5000 2>"$3" | head -2 >/dev/null; echo "\${PIPESTATUS[0]}"`,
        process.execPath,
        path.join(projectRoot, 'bin/perfsuite.js'),
        suite,
        path.join(dir, 'err'),
      ],
      {
        encoding: 'utf8',
      },
    );
    expect(direct.stdout.trim()).toBe('0');
    expect(readFileSync(path.join(dir, 'err'), 'utf8')).toBe('');
  });
});
