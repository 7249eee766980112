/** @module Real HTTP servers on loopback port 0 for source tests, and a port with nothing listening. */
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running loopback server: its base URL, the requests it saw, and how to stop it. */
export interface Loopback {
  readonly url: string;
  readonly server: Server;
  readonly requests: IncomingMessage[];
  /** The client port of each request, as it arrived (tells connections apart). */
  readonly clientPorts: (number | undefined)[];
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1, port 0, answering with `handler`. */
export async function startLoopback(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<Loopback> {
  const requests: IncomingMessage[] = [];
  const clientPorts: (number | undefined)[] = [];
  const server = createServer((req, res) => {
    requests.push(req);
    clientPorts.push(req.socket.remotePort);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    requests,
    clientPorts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** A loopback port where nothing listens (taken from the kernel and released), for a process to bind or a call to fail on. */
export async function releasedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  return port;
}

/** A loopback address where nothing listens (a port taken and released). */
export async function closedPortUrl(): Promise<string> {
  return `http://127.0.0.1:${await releasedPort()}`;
}

/** Sends `body` as FHIR JSON with `status`. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/fhir+json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
