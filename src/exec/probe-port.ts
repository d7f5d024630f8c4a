import { once } from 'node:events';
import net from 'node:net';

/** Opens and closes one TCP connection; rejects with the connection error, or on timeout. */
export async function connectOnce(host: string, port: number, timeoutMs: number): Promise<void> {
  const socket = net.connect({ host, port, timeout: timeoutMs });
  try {
    await Promise.race([
      once(socket, 'connect'),
      once(socket, 'timeout').then(() => {
        throw new Error(`no answer within ${timeoutMs / 1000} s`);
      }),
    ]);
  } finally {
    socket.destroy();
  }
}

/**
 * Resolves once host:port accepts a connection. Between attempts it asks `gaveUp` (say, "the server process exited")
 * and rethrows what that returns; past the deadline it throws `timeoutMessage`.
 */
export async function waitForListener(
  host: string,
  port: number,
  options: { readonly deadline: number; readonly attemptMs: number; readonly timeoutMessage: string; readonly gaveUp?: () => Error | undefined },
): Promise<void> {
  for (;;) {
    const reason = options.gaveUp?.();
    if (reason !== undefined) throw reason;
    if (Date.now() > options.deadline) throw new Error(options.timeoutMessage);
    try {
      await connectOnce(host, port, options.attemptMs);
      return;
    } catch {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
