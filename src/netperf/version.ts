/** The version number in "Netperf version 2.7.0". */
export function parseNetperfVersion(output: string): string {
  return /version\s+(\S+)/i.exec(output)?.[1] ?? 'unknown';
}
