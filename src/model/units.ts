/**
 * Sizes, durations and percentages as suites write them, and back.
 * Sizes follow netperf: K/M/G multiply by 1024, k/m/g by 1000.
 */

const SIZE_PATTERN = /^([0-9]+(?:\.[0-9]+)?)([KMGkmg]?)$/;
const SIZE_FACTORS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, k: 1e3, m: 1e6, g: 1e9 };
const DURATION_PATTERN = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)$/;
const DURATION_SECONDS: Record<string, number> = { ms: 1e-3, s: 1, m: 60, h: 3600 };
const PERCENT_PATTERN = /^([0-9]+(?:\.[0-9]+)?)%$/;

/** A parsed value, or why not; `at` is the JSON pointer below the parsed node the problem sits at (`flows/1/dscp`). */
export type Parsed<T> =
  | { ok: true; value: T }
  /** `more`: further problems of the same value (each flow of a load), so every one is reported at once. */
  | { ok: false; message: string; at?: string; more?: readonly { readonly message: string; readonly at?: string }[] };

/** Bytes from `65536`, `64K` or `1.5M`; must come out as a whole number of bytes. */
export function parseSize(raw: number | string): Parsed<number> {
  let bytes: number;
  if (typeof raw === 'number') {
    bytes = raw;
  } else {
    const match = SIZE_PATTERN.exec(raw);
    if (!match) return { ok: false, message: `'${raw}' is not a size; write bytes as an integer or with K/M/G (×1024), like 64K` };
    bytes = Number(match[1]) * (SIZE_FACTORS[match[2] ?? ''] ?? 1);
  }
  if (!Number.isSafeInteger(bytes) || bytes < 1) {
    return { ok: false, message: `'${raw}' is not a whole, positive number of bytes` };
  }
  return { ok: true, value: bytes };
}

/** Seconds from a number of seconds or `500ms`, `10s`, `2m`, `1h`. */
export function parseDurationSeconds(raw: number | string): Parsed<number> {
  if (typeof raw === 'number') return { ok: true, value: raw };
  const match = DURATION_PATTERN.exec(raw);
  if (!match) return { ok: false, message: `'${raw}' is not a duration; write it like 10s, 500ms or 2m` };
  return { ok: true, value: Number(match[1]) * (DURATION_SECONDS[match[2] ?? 's'] ?? 1) };
}

/** A percentage from `5%` or the number 5. */
export function parsePercent(raw: number | string): Parsed<number> {
  if (typeof raw === 'number') return { ok: true, value: raw };
  const match = PERCENT_PATTERN.exec(raw);
  if (!match) return { ok: false, message: `'${raw}' is not a percentage; write it like 5%` };
  return { ok: true, value: Number(match[1]) };
}

/** The shortest exact spelling of a byte count: 65536 → 64K, 1000 → 1000. */
export function formatSize(bytes: number): string {
  for (const [suffix, factor] of [
    ['G', 1024 ** 3],
    ['M', 1024 ** 2],
    ['K', 1024],
  ] as const) {
    if (bytes >= factor && bytes % factor === 0) return `${bytes / factor}${suffix}`;
  }
  return String(bytes);
}

export function formatSeconds(seconds: number): string {
  return Number.isInteger(seconds) ? `${seconds}s` : `${Math.round(seconds * 1000)}ms`;
}

/** What kind of quantity a suite string looks like, to explain a value given in the wrong dimension. */
export function describeQuantity(raw: string): string | undefined {
  if (DURATION_PATTERN.test(raw)) return 'a duration';
  if (PERCENT_PATTERN.test(raw)) return 'a percentage';
  if (/^[0-9.]+\s*([kKMG]?(bit|b)\/s|[kKMG]?bps)$/.test(raw)) return 'a bit rate';
  if (SIZE_PATTERN.test(raw)) return 'a size';
  return undefined;
}
