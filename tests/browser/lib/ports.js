// Free loopback ports, and waiting for a TCP/HTTP service to answer.

import net from 'node:net';

/** A port that was free on 127.0.0.1 a moment ago (the OS picked it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** `n` distinct free ports. */
export async function freePorts(n) {
  const ports = new Set();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
