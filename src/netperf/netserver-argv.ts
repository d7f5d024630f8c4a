/** netserver's own control port, where a netserver perfsuite does not choose the port for listens. */
export const NETSERVER_PORT = 12865;

/**
 * The netserver command line, built once for the run that starts it and the plan that shows it (with placeholders
 * for what only the run knows): `netserver -D [-L host] -p port [-6] [-Z passphrase]`, after `prefix` (like
 * `ip netns exec <name>`, which must exec netserver, keeping the pid).
 */
export function netserverArgv(options: {
  readonly program?: string;
  readonly prefix?: readonly string[];
  readonly host?: string;
  readonly port: number | string;
  readonly ipv6?: boolean;
  readonly passphrase?: string;
}): string[] {
  return [
    ...(options.prefix ?? []),
    options.program ?? 'netserver',
    '-D',
    ...(options.host === undefined ? [] : ['-L', options.host]),
    '-p',
    String(options.port),
    ...(options.ipv6 === true ? ['-6'] : []),
    ...(options.passphrase === undefined ? [] : ['-Z', options.passphrase]),
  ];
}
