import { readFileSync } from 'node:fs';
import { AddressInfo, createServer, Socket } from 'node:net';
import { join } from 'node:path';

/** What the stub does with a query: answer with text, or hold the connection open forever. */
export type WhoisBehaviour = string | { hang: true };

export interface WhoisStub {
  port: number;
  /** Connections accepted so far: tests assert refused input never opened one. */
  readonly connections: number;
  readonly queries: string[];
  close(): Promise<void>;
}

export function whoisFixture(name: string): string {
  return readFileSync(join(__dirname, '../../fixtures/whois', name), 'utf8');
}

/**
 * A WHOIS server on 127.0.0.1 (RFC 3912: one query line, the answer, then close) answering with
 * recorded registry responses, so WHOIS tests never leave the machine.
 */
export async function startWhoisStub(behaviour: (query: string) => WhoisBehaviour): Promise<WhoisStub> {
  const sockets = new Set<Socket>();
  const queries: string[] = [];
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('utf8');
      const eol = buffered.indexOf('\n');
      if (eol < 0) return;
      const query = buffered.slice(0, eol).replace(/\r$/, '');
      queries.push(query);
      const answer = behaviour(query);
      if (typeof answer === 'string') socket.end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get connections() {
      return connections;
    },
    queries,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The recorded registry answers the lookup tests use, by query. */
export function registryAnswers(query: string): WhoisBehaviour {
  switch (query) {
    case '8.8.8.8':
      return whoisFixture('arin-8.8.8.8.txt');
    case '193.0.6.139':
    case '81.2.69.142':
      return whoisFixture('ripe-193.0.6.139.txt');
    case 'example-shop.com':
      return whoisFixture('registrar-example-shop.com.txt');
    case 'slow.example.com':
    case '9.9.9.9':
      return { hang: true };
    default:
      return whoisFixture('no-match.txt');
  }
}
