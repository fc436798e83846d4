import { ChildProcess, spawn as spawnChild, SpawnOptions } from 'node:child_process';
import { exposeNamespacePort, NamespaceBridge } from './bridge';
import { buildDelayHelper } from './delay-helper';
import { onProcessExit } from './exit-cleanup';
import { delayRule, LinkImpairment, lossRule, NodeName, rateLimitArgs, RouterName } from './impairments';
import { newPrefix, removeLeftovers, removeNamespace, removeNamespaceSync } from './namespaces';
import { ExecOptions, ExecResult, inNamespace, run, runOk, stopChild, waitForLine } from './process';

/**
 * agent ── r1 ── r2 ── target, one namespace each. The 10.231.0.0/16 addresses exist only
 * inside these namespaces and no link leads to the root namespace, so nothing can leave:
 * the hosts' default routes point at r1/r2, which know only the three link subnets.
 */
const LINKS = [
  { a: 'agent', aDev: 'eth0', aAddr: '10.231.1.2', b: 'r1', bDev: 'eth0', bAddr: '10.231.1.1' },
  { a: 'r1', aDev: 'eth1', aAddr: '10.231.2.1', b: 'r2', bDev: 'eth0', bAddr: '10.231.2.2' },
  { a: 'r2', aDev: 'eth1', aAddr: '10.231.3.1', b: 'target', bDev: 'eth0', bAddr: '10.231.3.2' },
] as const;
const ROUTES: Record<NodeName, string[]> = {
  agent: ['default', 'via', '10.231.1.1'],
  r1: ['10.231.3.0/24', 'via', '10.231.2.2'],
  r2: ['10.231.1.0/24', 'via', '10.231.2.1'],
  target: ['default', 'via', '10.231.3.1'],
};
const NODES: NodeName[] = ['agent', 'r1', 'r2', 'target'];
const ROUTERS: RouterName[] = ['r1', 'r2'];
/** Sources of mtr's hops from agent to target: a router answers from its agent-side address. */
const PATH = ['10.231.1.1', '10.231.2.2', '10.231.3.2'];

export interface TopologyOptions {
  /** Namespace name prefix; default `nwt-<pid>-<random>`. Leftovers with it are removed first. */
  prefix?: string;
  impairments?: LinkImpairment[];
}

export interface LinearTopology {
  prefix: string;
  /** Namespace name of each node. */
  ns: Record<NodeName, string>;
  /** IPv4 addresses of each node (routers have one per link). */
  addresses: Record<NodeName, string[]>;
  agentAddress: string;
  targetAddress: string;
  /** Hop addresses mtr/traceroute from agent to target must report, in order. */
  path: string[];
  exec(node: NodeName, cmd: string, args: string[], opts?: ExecOptions): Promise<ExecResult>;
  /** Long-running child inside a node; stdio pipes by default (read or ignore stdout). Killed by destroy(). */
  spawn(node: NodeName, cmd: string, args: string[], opts?: SpawnOptions): ChildProcess;
  /** Replaces all current impairments (an empty list restores clean links). */
  impair(impairments: LinkImpairment[]): Promise<void>;
  /** exposeNamespacePort for a node, closed by destroy(). */
  expose(node: NodeName, port: number, host?: string): Promise<NamespaceBridge>;
  destroy(): Promise<void>;
}

function deviceToward(router: RouterName, toward: NodeName): { dev: string; queue: number } {
  for (const l of LINKS) {
    const dev = l.a === router && l.b === toward ? l.aDev : l.b === router && l.a === toward ? l.bDev : undefined;
    // One NFQUEUE per egress device; numbers are per namespace, so eth<N> uses queue N.
    if (dev) return { dev, queue: Number(dev.slice(3)) };
  }
  throw new Error(`${toward} is not a neighbour of ${router}`);
}

export async function createLinearTopology(opts: TopologyOptions = {}): Promise<LinearTopology> {
  const prefix = opts.prefix ?? newPrefix();
  if (!/^[a-z0-9-]{1,40}$/.test(prefix)) throw new Error(`bad namespace prefix ${prefix}`);
  await removeLeftovers(prefix);

  const ns = Object.fromEntries(NODES.map((n) => [n, `${prefix}-${n}`])) as Record<NodeName, string>;
  const addresses = Object.fromEntries(NODES.map((n) => [n, [] as string[]])) as Record<NodeName, string[]>;
  for (const l of LINKS) {
    addresses[l.a].push(l.aAddr);
    addresses[l.b].push(l.bAddr);
  }
  const children = new Set<ChildProcess>();
  const bridges = new Set<NamespaceBridge>();
  let helpers: ChildProcess[] = [];
  const ip = (node: NodeName, ...args: string[]) => runOk('ip', ['-n', ns[node], ...args]);
  const inNs = (node: NodeName, cmd: string, args: string[]) => runOk(...inNamespace(ns[node], cmd, args));

  const spawn = (node: NodeName, cmd: string, args: string[], spawnOpts: SpawnOptions = {}) => {
    const [c, a] = inNamespace(ns[node], cmd, args);
    const child = spawnChild(c, a, { stdio: ['pipe', 'pipe', 'pipe'], ...spawnOpts });
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
  };

  const unregister = onProcessExit(() => {
    for (const c of children) c.kill('SIGKILL');
    for (const n of NODES) removeNamespaceSync(ns[n]);
  });

  const impair = async (list: LinkImpairment[]) => {
    for (const r of ROUTERS) {
      await inNs(r, 'iptables', ['-w', '-F', 'FORWARD']);
      for (const dev of ['eth0', 'eth1']) await run('ip', ['netns', 'exec', ns[r], 'tc', 'qdisc', 'del', 'dev', dev, 'root']);
    }
    // Rules are gone first, so stopping a helper (which releases what it holds) loses nothing.
    await Promise.all(helpers.map((h) => stopChild(h)));
    helpers = [];
    const seen = new Set<string>();
    for (const imp of list) {
      const { dev, queue } = deviceToward(imp.router, imp.toward);
      if (seen.has(`${imp.router}/${dev}`)) throw new Error(`two impairments for ${imp.router} toward ${imp.toward}`);
      seen.add(`${imp.router}/${dev}`);
      // Loss before delay: dropped packets never occupy the hold queue, and the nth counter
      // sees every packet leaving through the device.
      if (imp.loss) await inNs(imp.router, 'iptables', lossRule(dev, imp.loss));
      if (imp.delayMs) {
        const binary = await buildDelayHelper();
        const helper = spawn(imp.router, binary, [String(queue), String(imp.delayMs), '--watch-stdin']);
        helpers.push(helper);
        await waitForLine(helper, /^ready$/);
        await inNs(imp.router, 'iptables', delayRule(dev, queue));
      }
      if (imp.rateKbit) await inNs(imp.router, 'tc', rateLimitArgs(dev, imp.rateKbit));
    }
  };

  let destroyed: Promise<void> | undefined;
  const destroy = () =>
    (destroyed ??= (async () => {
      await Promise.all([...bridges].map((b) => b.close()));
      await Promise.all([...children].map((c) => stopChild(c)));
      for (const n of NODES) await removeNamespace(ns[n]);
      unregister();
    })());

  const topology: LinearTopology = {
    prefix,
    ns,
    addresses,
    agentAddress: addresses.agent[0],
    targetAddress: addresses.target[0],
    path: PATH,
    exec: (node, cmd, args, execOpts) => run(...inNamespace(ns[node], cmd, args), execOpts),
    spawn,
    impair,
    expose: async (node, port, host) => {
      const bridge = await exposeNamespacePort(ns[node], port, host);
      bridges.add(bridge);
      return bridge;
    },
    destroy,
  };

  try {
    for (const n of NODES) {
      await runOk('ip', ['netns', 'add', ns[n]]);
      await ip(n, 'link', 'set', 'lo', 'up');
      // icmp_ratelimit=0: the default 1/s per destination makes mtr report false loss at routers.
      const sysctls = ['net.ipv4.icmp_ratelimit=0', ...(n.startsWith('r') ? ['net.ipv4.ip_forward=1'] : [])];
      await inNs(n, 'sysctl', ['-qw', ...sysctls]);
    }
    for (const l of LINKS) {
      // Created directly inside the namespaces: no interface ever appears in the root namespace.
      await ip(l.a, 'link', 'add', l.aDev, 'type', 'veth', 'peer', 'name', l.bDev, 'netns', ns[l.b]);
      await ip(l.a, 'addr', 'add', `${l.aAddr}/24`, 'dev', l.aDev);
      await ip(l.b, 'addr', 'add', `${l.bAddr}/24`, 'dev', l.bDev);
      await ip(l.a, 'link', 'set', l.aDev, 'up');
      await ip(l.b, 'link', 'set', l.bDev, 'up');
    }
    for (const n of NODES) await ip(n, 'route', 'add', ...ROUTES[n]);
    // Prove the path end to end (and fill the ARP caches) before any impairment can count packets.
    const probe = await topology.exec('agent', 'ping', ['-n', '-c', '1', '-W', '3', topology.targetAddress]);
    if (probe.code !== 0) throw new Error(`topology ${prefix}: agent cannot reach target: ${probe.stdout}${probe.stderr}`);
    await impair(opts.impairments ?? []);
  } catch (err) {
    await destroy();
    throw err;
  }
  return topology;
}
