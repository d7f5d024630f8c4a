import { describe, expect, it } from 'vitest';
import { formatHostPort } from '../../src/model/seams.js';

describe('formatHostPort', () => {
  it('writes host:port as people and URLs do: IPv6 in brackets, once', () => {
    expect(formatHostPort('127.0.0.1', 12865)).toBe('127.0.0.1:12865');
    expect(formatHostPort('::1', 12865)).toBe('[::1]:12865');
    expect(formatHostPort('fe80::1%eth0', '2222')).toBe('[fe80::1%eth0]:2222');
    expect(formatHostPort('[::1]', 12865)).toBe('[::1]:12865');
    expect(formatHostPort('perf-b.example.net', 22)).toBe('perf-b.example.net:22');
  });
});
