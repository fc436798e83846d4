// Real test networks for integration tests: see topology.ts (agent ── r1 ── r2 ── target with
// injected delay/loss/rate), bridge.ts (reach a server inside a namespace from the test) and
// nfq-delay.c (the userspace delay, as this kernel has no netem).
export { exposeNamespacePort } from './bridge';
export type { NamespaceBridge } from './bridge';
export { buildDelayHelper } from './delay-helper';
export type { LinkImpairment, LossSpec, NodeName, RouterName } from './impairments';
export { canUseNetns } from './namespaces';
export { waitForLine } from './process';
export type { ExecOptions, ExecResult } from './process';
export { createLinearTopology } from './topology';
export type { LinearTopology, TopologyOptions } from './topology';
