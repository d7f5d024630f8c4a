import { describe, expect, it } from 'vitest';
import { type CliIo, useColor } from '../../src/cli/io.js';

const io = (env: NodeJS.ProcessEnv, isTTY: boolean): CliIo => ({ stdout: () => undefined, stderr: () => undefined, cwd: '/', env, isTTY });

describe('colour', () => {
  it('is used on a terminal unless NO_COLOR holds a value (an empty NO_COLOR does not count, no-color.org)', () => {
    expect(useColor(io({}, true))).toBe(true);
    expect(useColor(io({ NO_COLOR: '' }, true))).toBe(true);
    expect(useColor(io({ NO_COLOR: '1' }, true))).toBe(false);
    expect(useColor(io({}, false))).toBe(false);
  });
});
