import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';

/** A free TCP port on 127.0.0.1 (the kernel picks it). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** Resolves once something accepts connections on the port; rejects if the process exits first. */
async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`netserver exited with ${String(code)} before listening`);
  });
  const connects = (async () => {
    for (;;) {
      const socket = net.connect(port, '127.0.0.1');
      try {
        await once(socket, 'connect');
        socket.destroy();
        return;
      } catch {
        socket.destroy();
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  })();
  await Promise.race([connects, exited]);
}

/** A netserver in the foreground (-D) on 127.0.0.1, for integration tests; `stop` waits until it is gone. */
export async function startNetserver(): Promise<{ port: number; pid: number; stop: () => Promise<void> }> {
  const port = await freePort();
  // own process group, so stopping it also stops the per-test children it forks
  const child = spawn('netserver', ['-D', '-L', '127.0.0.1', '-p', String(port)], { stdio: 'ignore', detached: true });
  await waitForPort(port, child);
  return {
    port,
    pid: child.pid ?? -1,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      process.kill(-(child.pid ?? 0), 'SIGTERM');
      await exited;
    },
  };
}
