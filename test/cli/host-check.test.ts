import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { perfsuiteInProcess, tempDir } from '../helpers.js';
import { congestionControlFacts } from '../../src/exec/environment.js';

const perfsuite = (args: readonly string[], cwd: string) => perfsuiteInProcess(args, { cwd, env: { PATH: process.env['PATH'] ?? '' } });

const available = congestionControlFacts().availableCongestionControls;

describe.skipIf(available === undefined)('run refuses what this machine cannot do, before any case runs', () => {
  it('a congestion_control the kernel does not offer, and a CPU it does not have: exit 2, located, nothing written', async () => {
    const dir = tempDir('host');
    writeFileSync(
      path.join(dir, 'tuned.yml'),
      [
        'version: 1',
        'name: tuned',
        'tests:',
        '  - name: bulk',
        '    test: TCP_STREAM',
        '    duration: 1',
        '    congestion_control: nosuchcc',
        '    cpu_affinity: { local: 4095 }',
        '',
      ].join('\n'),
    );
    const result = await perfsuite(['run', 'tuned.yml', '--out', 'out'], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      `tuned.yml:7:25: congestion_control nosuchcc is not available in this kernel (it has ${[...(available ?? [])].join(', ')}); load it (modprobe tcp_nosuchcc) or pick one of those`,
    );
    expect(result.stderr).toContain('tuned.yml:8:19: cpu_affinity 4095, pins netperf to CPU 4095');
    expect(result.stderr).toContain('nothing was run');
    expect(result.stdout).toBe('');
  });
});
