import { plan } from './catalogue.types';

/**
 * AGENT is a plan, not a measurement: the agent runs PING then MTR toward each peer agent's
 * address, then TRAFFICSIM toward a peer that runs a TRAFFICSIM server (the controller hands the
 * AGENT probe that server's port and the pair key), and reports those results under the AGENT
 * probe's id.
 */
export const AGENT = plan({
  // Bounded like the PING and MTR runs it expands into.
  rules: {
    interval: { min: 30, max: 86_400, default: 60 },
    timeout: { min: 1, max: 300, default: 10 },
    count: { min: 1, max: 100, default: 5 },
    duration: null,
    targets: 'agents',
    server: false,
  },
  result: null,
  // TRAFFICSIM only toward peers the controller names as running a TRAFFICSIM server.
  plan: ['PING', 'MTR', 'TRAFFICSIM'],
});
