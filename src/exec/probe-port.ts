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
