import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isRunning, projectRoot, tempDir } from '../helpers.js';

// scripts/install-deps.sh on a made-up minimal Debian 12: PATH holds only stubs (apt-get, apt-cache, update-rc.d,
// systemctl, netperf once "installed", a node 18) and the few real tools the script runs, so there is no `ss`
// (iproute2 is not in a minbase system); PERFSUITE_SYSROOT points its /etc, /proc and /run at a tree of the test's.
// The stubs record their calls in a log; listeners on port 12865 are lines of the tree's /proc/net/tcp whose socket
// inode an fd of a real process of the test's (an idle `cat`) links to.

const SCRIPT = path.join(projectRoot, 'scripts/install-deps.sh');
const which = (name: string): string => execFileSync('sh', ['-c', 'command -v "$1"', 'sh', name], { encoding: 'utf8' }).trim();
const BASH = which('bash');
/** The real tools the script and the stubs run; `ss` is not among them. */
const TOOLS = [
  'bash',
  'sh',
  'uname',
  'cat',
  'awk',
  'grep',
  'sed',
  'sort',
  'head',
  'tee',
  'find',
  'readlink',
  'dirname',
  'env',
  'seq',
  'sleep',
  'mkdir',
  'ln',
  'mv',
  'rm',
  'chmod',
];

const idle: ChildProcess[] = [];
afterEach(() => {
  for (const child of idle.splice(0)) child.kill();
});

interface Machine {
  readonly root: string;
  readonly bin: string;
  readonly log: string;
  /** The calls the stubs recorded, one per line. */
  calls(): string[];
}

const TCP_HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const stub = (file: string, body: string): void => writeFileSync(file, `#!${BASH}\n${body}\n`, { mode: 0o755 });

const NETPERF = 'echo "Netperf version 2.7.0"';
/** What Debian's netperf package leaves: its init script, its default file, its boot links (update-rc.d netperf defaults). */
const PACKAGE_FILES = [
  'mkdir -p "$PERFSUITE_SYSROOT/etc/init.d" "$PERFSUITE_SYSROOT/etc/default"',
  'printf "#!/bin/sh\\n" > "$PERFSUITE_SYSROOT/etc/init.d/netperf"; chmod +x "$PERFSUITE_SYSROOT/etc/init.d/netperf"',
  'printf "# Run netserver at startup?\\nNETSERVER_ENABLE=YES\\n" > "$PERFSUITE_SYSROOT/etc/default/netperf"',
  'for level in 0 1 6; do mkdir -p "$PERFSUITE_SYSROOT/etc/rc$level.d"; ln -sf ../init.d/netperf "$PERFSUITE_SYSROOT/etc/rc$level.d/K01netperf"; done',
  'for level in 2 3 4 5; do mkdir -p "$PERFSUITE_SYSROOT/etc/rc$level.d"; ln -sf ../init.d/netperf "$PERFSUITE_SYSROOT/etc/rc$level.d/S01netperf"; done',
  'mkdir -p "$PERFSUITE_SYSROOT/run/netperf-stub"; : > "$PERFSUITE_SYSROOT/run/netperf-stub/systemd-enabled"',
].join('\n');

/** A minimal Debian 12, root, without iproute2; with `installed`, Debian's netperf package is on it already. */
function minimalDebian(options: { installed: boolean; node?: string }): Machine {
  const dir = tempDir('install');
  const root = path.join(dir, 'root');
  const bin = path.join(dir, 'bin');
  const log = path.join(dir, 'calls.log');
  for (const sub of ['etc/apt/sources.list.d', 'proc/net', 'run/systemd/system']) mkdirSync(path.join(root, sub), { recursive: true });
  writeFileSync(path.join(root, 'etc/os-release'), 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n');
  writeFileSync(path.join(root, 'proc/net/tcp'), TCP_HEADER);
  writeFileSync(log, '');
  mkdirSync(bin);
  for (const tool of TOOLS) symlinkSync(which(tool), path.join(bin, tool));
  const record = (name: string): string => `echo "${name} $*" >> "${log}"`;
  stub(path.join(bin, 'id'), 'if [ "$1" = -u ]; then echo 0; else echo "uid=0(root) gid=0(root) groups=0(root)"; fi');
  stub(path.join(bin, 'apt-cache'), `${record('apt-cache')}\necho "  Candidate: 2.7.0-0.1"`);
  stub(
    path.join(bin, 'apt-get'),
    [
      record('apt-get'),
      'if [ "${STUB_APT_FAIL:-}" = "$1" ]; then echo "E: stub apt-get $1 failed" >&2; exit 100; fi',
      'case " $* " in *" install "*" netperf "*)',
      `  for b in netperf netserver; do printf '#!${BASH}\\n${NETPERF}\\n' > "${bin}/$b"; chmod +x "${bin}/$b"; done`,
      PACKAGE_FILES,
      'esac',
    ].join('\n'),
  );
  // update-rc.d netperf disable turns the start links into stop links
  stub(
    path.join(bin, 'update-rc.d'),
    `${record('update-rc.d')}\nfor link in "$PERFSUITE_SYSROOT"/etc/rc[2-5].d/S01netperf; do [ -e "$link" ] && mv "$link" "\${link%/*}/K01netperf"; done; true`,
  );
  stub(
    path.join(bin, 'systemctl'),
    [
      record('systemctl'),
      'state="$PERFSUITE_SYSROOT/run/netperf-stub/systemd-enabled"',
      'case "$1" in is-enabled) [ -e "$state" ] ;; disable) rm -f "$state" ;; *) exit 1 ;; esac',
    ].join('\n'),
  );
  if (options.node !== undefined) stub(path.join(bin, 'node'), `case "$1" in -p) echo "${options.node.split('.')[0]}" ;; -v) echo "v${options.node}" ;; esac`);
  if (options.installed) {
    for (const b of ['netperf', 'netserver']) stub(path.join(bin, b), NETPERF);
    execFileSync(BASH, ['-c', PACKAGE_FILES], { env: { PATH: bin, PERFSUITE_SYSROOT: root }, stdio: ['ignore', 'pipe', 'pipe'] });
  }
  return {
    root,
    bin,
    log,
    calls: () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter((line) => line !== ''),
  };
}

let nextInode = 40_000;
/** Port 12865 as /proc/net/tcp writes it. */
const PORT_HEX = (12865).toString(16).toUpperCase();
/**
 * A real idle process of the test's, shown in the tree's /proc as `exe` listening on port 12865 at `address` (hex, as
 * /proc/net/tcp has it; 32 digits: an IPv6 address, in /proc/net/tcp6), its command line `argv` (`exe` alone, as
 * Debian's init script starts netserver, unless given).
 */
function listener(machine: Machine, exe: string, address: string, argv: readonly string[] = [exe]): ChildProcess {
  const child = spawn('cat', [], { stdio: ['pipe', 'ignore', 'ignore'] });
  idle.push(child);
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start cat');
  const inode = nextInode++;
  const proc = path.join(machine.root, 'proc', String(pid));
  mkdirSync(path.join(proc, 'fd'), { recursive: true });
  symlinkSync(exe, path.join(proc, 'exe'));
  writeFileSync(path.join(proc, 'cmdline'), argv.map((arg) => `${arg}\0`).join(''));
  symlinkSync(`socket:[${inode}]`, path.join(proc, 'fd/3'));
  const table = path.join(machine.root, address.length === 32 ? 'proc/net/tcp6' : 'proc/net/tcp');
  const lines = existsSync(table) ? readFileSync(table, 'utf8') : TCP_HEADER;
  const row = lines.split('\n').length - 2;
  const remote = '0'.repeat(address.length);
  writeFileSync(
    table,
    `${lines}   ${row}: ${address}:${PORT_HEX} ${remote}:0000 0A 00000000:00000000 00:00000000 00000000     0        0 ${inode} 1 0000000000000000 100 0 0 10 0\n`,
  );
  return child;
}

/** Runs the script on the machine (asynchronously, so that this process reaps an idle child the script stops). */
async function installDeps(machine: Machine, env: Record<string, string> = {}) {
  const child = spawn(BASH, [SCRIPT], { env: { PATH: machine.bin, PERFSUITE_SYSROOT: machine.root, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [status] = (await once(child, 'close')) as [number | null];
  return { status, stdout, stderr };
}

/** The tree's /etc, file by file (path → content or link target), to show a run changed nothing. */
function snapshot(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else
        files[path.relative(root, file)] = entry.isSymbolicLink() ? `-> ${execFileSync('readlink', [file], { encoding: 'utf8' })}` : readFileSync(file, 'utf8');
    }
  };
  walk(path.join(root, 'etc'));
  walk(path.join(root, 'run'));
  return files;
}

const ANY = '00000000';
const ANY6 = '0'.repeat(32);
const LOOPBACK = '0100007F';

describe('scripts/install-deps.sh on a minimal Debian 12 (no iproute2, so no ss)', () => {
  it('installs netperf, stops the daemon the package started and switches off its start at boot, says each change, and ends with the Node advice', async () => {
    const machine = minimalDebian({ installed: false, node: '18.19.0' });
    // netserver listens on :: (IPv4 too), as Debian's daemon does
    const daemon = listener(machine, '/usr/bin/netserver', ANY6);
    const ours = listener(machine, '/usr/bin/netserver', LOOPBACK);
    const run = await installDeps(machine);
    expect(run.stderr).not.toContain('stopped at line');
    expect(run.stdout).toContain('installed: Netperf version 2.7.0\n');
    expect(run.stdout).toContain(
      [
        "switched off the netserver daemon of Debian's netperf package (it listens on every interface, port 12865, and starts at boot; perfsuite starts its own on 127.0.0.1):",
        '  - set NETSERVER_ENABLE=NO in /etc/default/netperf',
        '  - removed its start at boot (update-rc.d netperf disable)',
        '  - systemctl disable netperf',
        `  - stopped it: netserver pid ${daemon.pid}, listening on [::]:12865`,
      ].join('\n'),
    );
    // it got to the end: the advice about Node.js is the last thing it says, and the script fails so `… && npm ci` stops
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(
      /^perfsuite needs Node\.js 20 or newer, and the node on PATH \(.*\/node\) is v18\.19\.0; install a current LTS/,
    );
    expect(run.status).toBe(1);
    expect(isRunning(daemon.pid ?? 0)).toBe(false);
    // a netserver on 127.0.0.1 (a perfsuite run's own) is left alone
    expect(isRunning(ours.pid ?? 0)).toBe(true);
    expect(readFileSync(path.join(machine.root, 'etc/default/netperf'), 'utf8')).toContain('NETSERVER_ENABLE=NO');
    expect(readdirSync(path.join(machine.root, 'etc/rc2.d'))).toEqual(['K01netperf']);
  });

  it('a second run, netperf installed and nothing listening on the network, changes nothing and stops nothing', async () => {
    const machine = minimalDebian({ installed: true, node: '22.11.0' });
    const ours = listener(machine, '/usr/bin/netserver', LOOPBACK);
    const before = snapshot(machine.root);
    const run = await installDeps(machine);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('netperf already installed: Netperf version 2.7.0\n');
    // its boot links are on (a user's choice, or a run without root): said, not undone
    expect(run.stderr).toBe(
      "note: Debian's netserver daemon (every interface, port 12865) is not running but is set to start at boot; left as it is: switch it off with sudo update-rc.d netperf disable\n",
    );
    expect(machine.calls().filter((call) => !call.startsWith('systemctl is-enabled'))).toEqual([]);
    expect(snapshot(machine.root)).toEqual(before);
    expect(isRunning(ours.pid ?? 0)).toBe(true);
  });

  it('with netperf installed, stops the daemon it finds listening and switches off its start at boot', async () => {
    const machine = minimalDebian({ installed: true, node: '22.11.0' });
    const daemon = listener(machine, '/usr/bin/netserver', ANY);
    const run = await installDeps(machine);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(`  - stopped it: netserver pid ${daemon.pid}, listening on 0.0.0.0:12865\n`);
    expect(machine.calls()).toContain('update-rc.d netperf disable');
    expect(isRunning(daemon.pid ?? 0)).toBe(false);
  });

  it('never stops a process on port 12865 that it cannot show is the daemon: it names it and leaves it running', async () => {
    const machine = minimalDebian({ installed: true, node: '22.11.0' });
    rmSync(path.join(machine.root, 'run/netperf-stub/systemd-enabled'));
    for (const level of [2, 3, 4, 5]) rmSync(path.join(machine.root, `etc/rc${level}.d/S01netperf`));
    const other = listener(machine, '/usr/bin/python3', '0F02000A');
    const run = await installDeps(machine);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe(
      `warning: something listens on port 12865 (netserver's default) on the network, and this script cannot show it is Debian's netserver daemon, so it left it running: 10.0.2.15:12865 (pid ${other.pid}, /usr/bin/python3); if it is a netserver, stop it (as root: kill <pid>), since it answers netperf from other machines\n`,
    );
    expect(machine.calls().filter((call) => !call.startsWith('systemctl is-enabled'))).toEqual([]);
    expect(isRunning(other.pid ?? 0)).toBe(true);
  });

  it("leaves a netserver started with -D or -Z running (perfsuite's ssh peer, a user's own), naming it, and changes nothing", async () => {
    const machine = minimalDebian({ installed: true, node: '22.11.0' });
    rmSync(path.join(machine.root, 'run/netperf-stub/systemd-enabled'));
    for (const level of [2, 3, 4, 5]) rmSync(path.join(machine.root, `etc/rc${level}.d/S01netperf`));
    const peer = listener(machine, '/usr/bin/netserver', ANY, ['netserver', '-D', '-p', '12865', '-Z', 's3cret']);
    const own = listener(machine, '/usr/bin/netserver', ANY6, ['/usr/bin/netserver', '-4D']);
    const before = snapshot(machine.root);
    const run = await installDeps(machine);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('netperf already installed: Netperf version 2.7.0\n');
    const why = "/usr/bin/netserver started with -D or -Z, which Debian's init script does not pass: perfsuite's ssh peer or someone's own";
    expect(run.stderr).toBe(
      `warning: something listens on port 12865 (netserver's default) on the network, and this script cannot show it is Debian's netserver daemon, so it left it running: 0.0.0.0:12865 (pid ${peer.pid}, ${why}); [::]:12865 (pid ${own.pid}, ${why}); if it is a netserver, stop it (as root: kill <pid>), since it answers netperf from other machines\n`,
    );
    expect(machine.calls().filter((call) => !call.startsWith('systemctl is-enabled'))).toEqual([]);
    expect(snapshot(machine.root)).toEqual(before);
    expect(isRunning(peer.pid ?? 0)).toBe(true);
    expect(isRunning(own.pid ?? 0)).toBe(true);
  });

  it('stops the daemon beside a netserver started with -Z, and only the daemon', async () => {
    const machine = minimalDebian({ installed: true, node: '22.11.0' });
    const daemon = listener(machine, '/usr/bin/netserver', ANY);
    const peer = listener(machine, '/usr/bin/netserver', 'A0000A0A', ['netserver', '-p', '12865', '-Zs3cret']);
    const run = await installDeps(machine);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`  - stopped it: netserver pid ${daemon.pid}, listening on 0.0.0.0:12865\n`);
    expect(run.stdout).not.toContain(`pid ${peer.pid}`);
    expect(run.stderr).toContain(`so it left it running: 10.10.0.160:12865 (pid ${peer.pid}, /usr/bin/netserver started with -D or -Z,`);
    expect(isRunning(daemon.pid ?? 0)).toBe(false);
    expect(isRunning(peer.pid ?? 0)).toBe(true);
  });

  it('when a command fails, says which one at which line before it ends', async () => {
    const machine = minimalDebian({ installed: false, node: '22.11.0' });
    const run = await installDeps(machine, { STUB_APT_FAIL: 'update' });
    expect(run.status).toBe(100);
    const line =
      readFileSync(SCRIPT, 'utf8')
        .split('\n')
        .findIndex((text) => text.startsWith('as_root apt-get update -qq')) + 1;
    expect(run.stderr).toContain(
      `E: stub apt-get update failed\ninstall-deps.sh: stopped at line ${line}: \`apt-get update -qq\` failed (exit status 100), so nothing after it ran;`,
    );
    expect(existsSync(path.join(machine.bin, 'netperf'))).toBe(false);
  });
});
