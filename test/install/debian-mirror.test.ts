import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers.js';

/** scripts/debian-mirror.awk, as install-deps.sh runs it: the machine's one-line sources on stdin. */
function mirrorOf(lines: readonly string[], codename = 'bookworm'): string {
  const run = spawnSync('awk', ['-v', `codename=${codename}`, '-f', path.join(projectRoot, 'scripts/debian-mirror.awk')], {
    input: `${lines.join('\n')}\n`,
    encoding: 'utf8',
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return run.stdout.trim();
}

describe("install-deps.sh's Debian mirror for the non-free entry", () => {
  it('takes the first entry of this release with main, past [options], cdrom:, third-party and security entries', () => {
    expect(
      mirrorOf([
        '# a comment',
        'deb cdrom:[Debian GNU/Linux 12.5.0 _Bookworm_ - Official amd64 DVD Binary-1]/ bookworm contrib main',
        'deb [arch=amd64 signed-by=/etc/apt/keyrings/docker.asc] https://download.docker.com/linux/debian bookworm stable',
        'deb [signed-by=/usr/share/keyrings/nodesource.gpg] https://deb.nodesource.com/node_22.x nodistro main',
        'deb http://security.debian.org/debian-security bookworm-security main',
        'deb http://ftp.de.debian.org/debian/ bookworm-updates main',
        'deb [arch=amd64] http://ftp.de.debian.org/debian/ bookworm main contrib',
        'deb http://deb.debian.org/debian bookworm main',
      ]),
    ).toBe('http://ftp.de.debian.org/debian/');
  });

  it("prints nothing (the script's default mirror then) when no entry is this release's", () => {
    expect(mirrorOf(['deb http://deb.debian.org/debian bullseye main', 'deb-src http://deb.debian.org/debian bookworm main'])).toBe('');
    expect(mirrorOf([])).toBe('');
  });
});
