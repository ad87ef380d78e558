import { connect, createServer, Server, Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Stops relaying bytes without closing anything: what a dead network path looks like. */
  blackhole(): void;
  /** Relays again; connections caught in the black hole are reset, as TCP would after a while. */
  restore(): void;
  close(): Promise<void>;
}

/** A TCP relay to 127.0.0.1:`targetPort` that a test can turn into a black hole. */
export function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let dark = false;
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const forget = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', forget).on('close', forget);
    upstream.on('error', forget).on('close', forget);
    client.on('data', (chunk) => dark || upstream.write(chunk));
    upstream.on('data', (chunk) => dark || client.write(chunk));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as { port: number }).port,
        blackhole: () => {
          dark = true;
        },
        restore: () => {
          for (const [a, b] of pairs) {
            a.destroy();
            b.destroy();
          }
          pairs.clear();
          dark = false;
        },
        close: () =>
          new Promise<void>((done) => {
            for (const [a, b] of pairs) {
              a.destroy();
              b.destroy();
            }
            server.close(() => done());
          }),
      });
    });
  });
}
