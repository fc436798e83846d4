/**
 * Link impairments as iptables/tc argument lists. They always sit on a router's FORWARD
 * path (egress toward one neighbour), never on a host's OUTPUT: a drop in OUTPUT turns into
 * EPERM for the sender instead of a lost packet, and packets a router answers itself (TTL
 * exceeded for mtr) must not be impaired, so the loss shows at the right hop.
 */

export type RouterName = 'r1' | 'r2';
export type NodeName = 'agent' | RouterName | 'target';

export interface LossSpec {
  percent: number;
  /**
   * random (default): each packet dropped with probability percent/100.
   * nth: exactly every (100/percent)-th packet, starting with the first; deterministic
   * counts for ping -c. percent must divide 100 (10, 20, 25, 50...).
   */
  mode?: 'random' | 'nth';
}

export interface LinkImpairment {
  router: RouterName;
  /** The neighbour the impaired direction leads to (the other direction is untouched). */
  toward: NodeName;
  /** Held in userspace (NFQUEUE helper) for this long; one-way, so ping RTT grows by delayMs. */
  delayMs?: number;
  loss?: LossSpec;
  /** Egress rate limit with tc tbf. */
  rateKbit?: number;
}

export function lossRule(dev: string, loss: LossSpec): string[] {
  const { percent, mode = 'random' } = loss;
  if (!(percent > 0 && percent <= 100)) throw new Error(`loss percent must be in (0, 100], got ${percent}`);
  const match =
    mode === 'nth'
      ? ['--mode', 'nth', '--every', String(nthEvery(percent)), '--packet', '0']
      : ['--mode', 'random', '--probability', String(percent / 100)];
  return ['-w', '-A', 'FORWARD', '-o', dev, '-m', 'statistic', ...match, '-j', 'DROP'];
}

function nthEvery(percent: number): number {
  const every = 100 / percent;
  if (!Number.isInteger(every)) throw new Error(`nth loss needs a percent that divides 100, got ${percent}`);
  return every;
}

/**
 * All protocols, not only ICMP: UDP-mode mtr sends UDP and gets ICMP back, so an ICMP-only
 * match would delay just one leg. --queue-bypass lets packets through undelayed rather
 * than dropped if the helper is not (yet, or any more) bound.
 */
export function delayRule(dev: string, queue: number): string[] {
  return ['-w', '-A', 'FORWARD', '-o', dev, '-j', 'NFQUEUE', '--queue-num', String(queue), '--queue-bypass'];
}

export function rateLimitArgs(dev: string, rateKbit: number): string[] {
  if (!(rateKbit > 0)) throw new Error(`rateKbit must be positive, got ${rateKbit}`);
  // Bucket of ~20 ms of traffic (at least two full frames) so short bursts are not the limit.
  const burstBytes = Math.max(3_200, Math.ceil((rateKbit * 1000) / 8 / 50));
  return ['qdisc', 'replace', 'dev', dev, 'root', 'tbf', 'rate', `${rateKbit}kbit`, 'burst', String(burstBytes), 'latency', '200ms'];
}
