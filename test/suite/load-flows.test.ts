import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { load, tempDir } from '../helpers.js';

const dir = tempDir('suite-load-flows');

function casesOf(yaml: string) {
  const file = path.join(dir, 'flows.yml');
  writeFileSync(file, yaml);
  return load([file]).cases;
}

describe('load: { flows: [...] }', () => {
  it('normalises each flow (streams filled in, sizes in bytes, DSCP names in any case to their number) and spells the load in case ids', () => {
    const cases = casesOf(`version: 1
name: s
tests:
  - name: rr
    test: TCP_RR
    matrix:
      load:
        - none
        - flows:
            - { test: TCP_STREAM, streams: 2, send_size: 1K, dscp: af41 }
            - { test: TCP_MAERTS, dscp: 46 }
            - { test: UDP_STREAM, dscp: 3 }
`);
    expect(cases.map((c) => c.id)).toEqual(['s/rr[load=none]', 's/rr[load=2xTCP_STREAM/m=1K/AF41+1xTCP_MAERTS/EF+1xUDP_STREAM/3]']);
    expect(cases[1]?.params.load).toEqual({
      flows: [
        { test: 'TCP_STREAM', streams: 2, send_size: 1024, dscp: 34 },
        { test: 'TCP_MAERTS', streams: 1, dscp: 46 },
        { test: 'UDP_STREAM', streams: 1, dscp: 3 },
      ],
    });
  });

  it('the single form is unchanged: no flows key, the same case id', () => {
    const [c] = casesOf(`version: 1\nname: s\ntests:\n  - name: rr\n    test: TCP_RR\n    matrix:\n      load: [{ test: TCP_STREAM, streams: 2 }]\n`);
    expect(c?.params.load).toEqual({ test: 'TCP_STREAM', streams: 2 });
    expect(c?.id).toBe('s/rr[load=2xTCP_STREAM]');
  });

  it('a UDP_STREAM flow’s send_size is checked against the case’s buffers like the single form’s', () => {
    expect(() =>
      casesOf(
        `version: 1\nname: s\ntests:\n  - name: rr\n    test: TCP_RR\n    socket_buffer: 16K\n    load:\n      flows:\n        - { test: TCP_MAERTS }\n        - { test: UDP_STREAM, send_size: 32K }\n`,
      ),
    ).toThrow(/load\.send_size 32K \(32768 bytes\) is larger than the sender's socket buffer/);
  });
});
