import { createSocket, RemoteInfo } from 'node:dgram';
import { parseIp } from '../../../src/lookups/ip-address';

/** Records by lower-case name; `hang` never answers (to test timeouts). */
export interface DnsZone {
  [name: string]: { A?: string[]; AAAA?: string[]; PTR?: string[]; hang?: boolean };
}

export interface DnsStub {
  /** `127.0.0.1:port`, as LOOKUP_DNS_SERVERS takes it. */
  server: string;
  readonly queries: string[];
  close(): Promise<void>;
}

const TYPES: Record<number, 'A' | 'AAAA' | 'PTR'> = { 1: 'A', 28: 'AAAA', 12: 'PTR' };
const CODES = { A: 1, AAAA: 28, PTR: 12 };

function encodeName(name: string): Buffer {
  const parts = name.split('.').filter(Boolean);
  return Buffer.concat([
    ...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p, 'ascii')])),
    Buffer.from([0]),
  ]);
}

function rdata(type: 'A' | 'AAAA' | 'PTR', value: string): Buffer {
  if (type === 'PTR') return encodeName(value);
  const ip = parseIp(value);
  if (!ip) throw new Error(`bad address ${value}`);
  const out = Buffer.alloc(ip.words.length * 4);
  ip.words.forEach((w, i) => out.writeUInt32BE(w, i * 4));
  return out;
}

/**
 * A minimal authoritative DNS server on 127.0.0.1 (UDP, one question per message) so reverse DNS
 * and host name resolution can be tested without any traffic leaving the machine.
 */
export async function startDnsStub(zone: DnsZone): Promise<DnsStub> {
  const socket = createSocket('udp4');
  const queries: string[] = [];
  socket.on('message', (msg: Buffer, peer: RemoteInfo) => {
    if (msg.length < 12) return;
    const labels: string[] = [];
    let off = 12;
    while (off < msg.length && msg[off] !== 0) {
      labels.push(msg.subarray(off + 1, off + 1 + msg[off]).toString('ascii'));
      off += msg[off] + 1;
    }
    off += 1;
    const qtype = msg.readUInt16BE(off);
    const question = msg.subarray(12, off + 4);
    const name = labels.join('.').toLowerCase();
    queries.push(`${TYPES[qtype] ?? qtype} ${name}`);
    const entry = zone[name];
    if (entry?.hang) return;
    const type = TYPES[qtype];
    const answers = (entry && type ? (entry[type] ?? []) : []).map((value) => {
      const data = rdata(type, value);
      const head = Buffer.alloc(12);
      head.writeUInt16BE(0xc00c, 0); // pointer to the question name
      head.writeUInt16BE(CODES[type], 2);
      head.writeUInt16BE(1, 4); // IN
      head.writeUInt32BE(60, 6);
      head.writeUInt16BE(data.length, 10);
      return Buffer.concat([head, data]);
    });
    const header = Buffer.alloc(12);
    header.writeUInt16BE(msg.readUInt16BE(0), 0);
    header.writeUInt16BE(0x8580 | (entry ? 0 : 3), 2); // response, authoritative, RD+RA; NXDOMAIN if unknown
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    socket.send(Buffer.concat([header, question, ...answers]), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    server: `127.0.0.1:${socket.address().port}`,
    queries,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
