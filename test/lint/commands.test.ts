import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers.js';

// Each command's file is loaded only when that command runs (src/cli/main.ts): one command importing another would
// load both, and tie their changes together. What two commands share lives in a helper file of src/cli/.
describe('command files', () => {
  const main = readFileSync(path.join(projectRoot, 'src/cli/main.ts'), 'utf8');
  const commands = [...main.matchAll(/^ {2}(\w+): \(\) => import\('\.\/(\w[\w-]*)\.js'\)/gm)].map((m) => m[2] ?? '');

  it('are listed in main.ts', () => {
    expect(commands).toEqual(expect.arrayContaining(['run', 'report', 'compare', 'history', 'doctor', 'validate', 'plan']));
  });

  it.each(commands)('%s.ts imports no other command file', (name) => {
    const source = readFileSync(path.join(projectRoot, 'src/cli', `${name}.ts`), 'utf8');
    const imported = [...source.matchAll(/from '\.\/([\w-]+)\.js'/g)].map((m) => m[1]);
    expect(imported.filter((file) => file !== name && commands.includes(file ?? ''))).toEqual([]);
  });
});
