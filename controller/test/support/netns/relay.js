// Byte relay: node relay.js <listen> <connect>, each `unix:<path>` or `tcp:<host>:<port>`.
// Prints "ready <port|path>" once listening. Used on both sides of a namespace bridge (see
// bridge.ts): unix sockets are not network-namespaced, so a socket file created by a relay
// inside a namespace is reachable from the root namespace without any routed traffic.
// Plain JS because it runs under `ip netns exec node`, outside Jest's TypeScript transform.
// Exits when stdin ends (its parent is gone) or on SIGTERM.
'use strict';
const net = require('node:net');

function parse(spec) {
  if (spec.startsWith('unix:')) return { path: spec.slice(5) };
  const m = /^tcp:(.+):(\d+)$/.exec(spec);
  if (!m) throw new Error(`bad address ${spec}`);
  return { host: m[1], port: Number(m[2]) };
}

const [listen, connect] = process.argv.slice(2).map(parse);

// allowHalfOpen on both legs: a client that half-closes after its request (HTTP/1.0 style)
// must still get the whole response back.
const server = net.createServer({ allowHalfOpen: true }, (client) => {
  const upstream = net.connect({ ...connect, allowHalfOpen: true });
  client.pipe(upstream);
  upstream.pipe(client);
  const kill = () => {
    client.destroy();
    upstream.destroy();
  };
  for (const s of [client, upstream]) {
    s.on('error', kill);
    s.on('close', kill);
  }
});

server.listen(listen, () => {
  const a = server.address();
  console.log(`ready ${typeof a === 'string' ? a : a.port}`);
});
process.stdin.on('end', () => process.exit(0)).resume();
process.on('SIGTERM', () => process.exit(0));
