import { io as connectSocketIo } from 'socket.io-client';
import { canUseNetns, createLinearTopology, LinearTopology, waitForLine } from './fixtures';
import { run } from './fixtures/netns/process';

// Proves the network-namespace toolkit with the real tools: ping and mtr over veth links
// with injected delay/loss/rate, and the unix-socket bridge into a namespace. Parsing here
// is only what the assertions need; the product parsers live in the agent.

/** "N packets transmitted, M received" and "rtt min/avg/max/mdev = a/b/c/d ms" from ping. */
function pingSummary(out: string) {
  const counts = /(\d+) packets transmitted, (\d+) received/.exec(out);
  const rtt = /= ([\d.]+)\/([\d.]+)\/([\d.]+)\//.exec(out);
  if (!counts) throw new Error(`no ping summary in: ${out}`);
  return {
    transmitted: Number(counts[1]),
    received: Number(counts[2]),
    min: rtt ? Number(rtt[1]) : NaN,
    avg: rtt ? Number(rtt[2]) : NaN,
  };
}

interface MtrHub {
  host: string;
  'Loss%': number;
  Snt: number;
  Avg: number;
}

describe('netns toolkit: real ping/mtr over namespaces', () => {
  let topo: LinearTopology;

  beforeAll(async () => {
    // Fail, never skip: CI runs as root, so an unusable setup is a broken environment.
    const reason = await canUseNetns();
    if (reason) throw new Error(`network namespaces unavailable: ${reason}`);
    topo = await createLinearTopology();
  }, 60_000);

  afterAll(async () => {
    await topo?.destroy();
  });

  const ping = async (count: number, intervalS: number) => {
    const args = ['-n', '-c', String(count), '-i', String(intervalS), '-W', '2', topo.targetAddress];
    const r = await topo.exec('agent', 'ping', args, { timeoutMs: 30_000 });
    if (r.timedOut) throw new Error('ping timed out');
    return pingSummary(r.stdout);
  };

  it('adds one-way delay on r1 → r2: RTT grows by the delay, not twice it', async () => {
    await topo.impair([]);
    const clean = await ping(5, 0.1);
    expect(clean.received).toBe(5);
    expect(clean.avg).toBeLessThan(2);

    await topo.impair([{ router: 'r1', toward: 'r2', delayMs: 40 }]);
    const delayed = await ping(20, 0.1);
    console.log(`RTT clean avg ${clean.avg} ms; with 40 ms one-way delay min ${delayed.min} avg ${delayed.avg} ms`);
    expect(delayed.received).toBe(20);
    // Only echo requests are held (replies return via r2 → r1 untouched): RTT ≈ 40 + base.
    expect(delayed.min).toBeGreaterThanOrEqual(40);
    expect(delayed.avg).toBeLessThan(40 + 3);
  });

  it('drops exactly every 10th packet with nth loss: 45 of 50 replies', async () => {
    await topo.impair([{ router: 'r1', toward: 'r2', loss: { percent: 10, mode: 'nth' } }]);
    const r = await ping(50, 0.05);
    console.log(`nth 10 % loss: ${r.transmitted} sent, ${r.received} received`);
    expect(r).toMatchObject({ transmitted: 50, received: 45 });
  });

  // UDP mode too: its probes are UDP and the answers ICMP, so a delay that matched only ICMP
  // would show up at hop 2/3 with half its size or not at all.
  it.each([['icmp', []], ['udp', ['-u']]])(
    'mtr (%s) sees the loss from hop 2 on (r1 → r2), none at hop 1, and the delay likewise',
    async (mode, modeArgs) => {
      await topo.impair([{ router: 'r1', toward: 'r2', loss: { percent: 50 }, delayMs: 20 }]);
      const args = [...modeArgs, '-j', '-n', '--gracetime', '1', '-c', '20', '-i', '0.1', '-m', '6', topo.targetAddress];
      const r = await topo.exec('agent', 'mtr', args, { timeoutMs: 30_000 });
      expect(r.code).toBe(0);
      const hubs = (JSON.parse(r.stdout) as { report: { hubs: MtrHub[] } }).report.hubs;
      console.log(`mtr ${mode} hops: ${hubs.map((h) => `${h.host} loss ${h['Loss%']}% avg ${h.Avg} ms`).join('; ')}`);
      expect(hubs.map((h) => h.host)).toEqual(topo.path);
      expect(hubs[0]['Loss%']).toBe(0);
      expect(hubs[1]['Loss%']).toBeGreaterThan(0);
      expect(hubs[2]['Loss%']).toBeGreaterThan(0);
      expect(hubs[0].Avg).toBeLessThan(5);
      expect(hubs[1].Avg).toBeGreaterThanOrEqual(20);
      expect(hubs[2].Avg).toBeGreaterThanOrEqual(20);
    },
  );

  it('limits rate with tbf on r2 → target', async () => {
    await topo.impair([{ router: 'r2', toward: 'target', rateKbit: 8000 }]);
    // The receiver in target times from first byte to end of stream and answers with it.
    const receiver = topo.spawn('target', process.execPath, [
      '-e',
      `require('net').createServer((c) => { let n = 0, t0;
        c.on('data', (d) => { t0 ??= process.hrtime.bigint(); n += d.length; });
        c.on('end', () => c.end(JSON.stringify({ bytes: n, ms: Number(process.hrtime.bigint() - t0) / 1e6 })));
      }).listen(9000, () => console.log('ready'));`,
    ]);
    await waitForLine(receiver, /^ready$/);
    const r = await topo.exec('agent', process.execPath, [
      '-e',
      `const c = require('net').connect(9000, '${topo.targetAddress}', () => c.end(Buffer.alloc(1_000_000)));
       let out = ''; c.on('data', (d) => (out += d)); c.on('end', () => console.log(out));`,
    ]);
    const { bytes, ms } = JSON.parse(r.stdout) as { bytes: number; ms: number };
    const mbit = (bytes * 8) / ms / 1000;
    console.log(`tbf 8000 kbit: ${bytes} bytes in ${ms.toFixed(0)} ms = ${mbit.toFixed(2)} Mbit/s`);
    expect(bytes).toBe(1_000_000);
    expect(mbit).toBeGreaterThan(8 * 0.8);
    expect(mbit).toBeLessThan(8 * 1.1);
  });

  it('bridges HTTP to a server inside a namespace without routing anything', async () => {
    await topo.impair([]);
    const server = topo.spawn('target', process.execPath, [
      '-e',
      `const os = require('os');
       require('http').createServer((req, res) => {
         const addresses = Object.values(os.networkInterfaces()).flat().filter((i) => i.family === 'IPv4').map((i) => i.address);
         res.setHeader('content-type', 'application/json');
         res.end(JSON.stringify({ path: req.url, addresses }));
       }).listen(8080, '127.0.0.1', () => console.log('ready'));`,
    ]);
    await waitForLine(server, /^ready$/);
    const bridge = await topo.expose('target', 8080);
    const res = await fetch(`${bridge.url}/hello?x=1`);
    expect(res.status).toBe(200);
    // The answer comes from the target namespace: it sees the target's address, not ours.
    expect(await res.json()).toEqual({ path: '/hello?x=1', addresses: expect.arrayContaining(['10.231.3.2']) });
    await bridge.close();
    await expect(fetch(bridge.url)).rejects.toThrow();
  });

  it('bridges a Socket.IO WebSocket session', async () => {
    const server = topo.spawn('target', process.execPath, [
      '-e',
      `const { Server } = require(process.argv[1]);
       const http = require('http').createServer();
       new Server(http, { path: '/ws', transports: ['websocket'] })
         .on('connection', (s) => s.on('echo', (m, ack) => ack({ m, transport: s.conn.transport.name })));
       http.listen(8081, '127.0.0.1', () => console.log('ready'));`,
      require.resolve('socket.io'),
    ]);
    await waitForLine(server, /^ready$/);
    const bridge = await topo.expose('target', 8081);
    const socket = connectSocketIo(bridge.url, { path: '/ws', transports: ['websocket'], reconnection: false });
    try {
      const reply = await socket.timeout(5_000).emitWithAck('echo', 'through the bridge');
      expect(reply).toEqual({ m: 'through the bridge', transport: 'websocket' });
    } finally {
      socket.close();
    }
  });

  it('removes leftovers with its prefix, and destroy() cleans up everything, twice over', async () => {
    const prefix = `${topo.prefix}-x`;
    const leftover = await run('ip', ['netns', 'add', `${prefix}-agent`]);
    expect(leftover.code).toBe(0);
    const second = await createLinearTopology({ prefix, impairments: [{ router: 'r2', toward: 'r1', delayMs: 5 }] });
    const helperPids = (await run('ip', ['netns', 'pids', second.ns.r2])).stdout.trim().split('\n');
    expect(helperPids).toHaveLength(1);
    await Promise.all([second.destroy(), second.destroy()]);
    await second.destroy();
    const left = (await run('ip', ['netns', 'list'])).stdout;
    expect(left).not.toContain(prefix);
    expect(() => process.kill(Number(helperPids[0]), 0)).toThrow();
  });
});
