import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { parseIp } from '../lookups/ip-address';
import { LookupResolver } from '../lookups/lookup-resolver';

/** Addresses remembered at most (oldest dropped first) and waiting for a query at most. */
const MAX_CACHED = 20_000;
const MAX_QUEUED = 2_000;

interface Cached {
  name: string | null;
  expiresAt: number;
}

/**
 * Reverse DNS names of hop addresses, resolved by the controller after results are stored
 * (ARCHITECTURE.md "Hop names"): cached per address for all agents with a positive and a
 * negative TTL, at most `dnsConcurrency` queries in flight, each bounded by LOOKUP_DNS_TIMEOUT_MS
 * (LookupResolver). A caller waits at most its budget; a name that arrives later is cached and
 * shows on the next read. Failures and timeouts are remembered as "no name" for the negative TTL.
 */
@Injectable()
export class HopNames {
  private readonly logger = new Logger(HopNames.name);
  private readonly cache = new Map<string, Cached>();
  private readonly pending = new Map<string, Promise<string | null>>();
  private readonly queue: Array<() => void> = [];
  private running = 0;

  constructor(
    private readonly resolver: LookupResolver,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'networkMap'>,
  ) {}

  /** The names of the addresses known within `budgetMs` (default: the map's budget); null for the rest. */
  async names(addresses: Iterable<string>, budgetMs = this.config.networkMap.dnsBudgetMs): Promise<Map<string, string | null>> {
    const out = new Map<string, string | null>();
    const waiting: Promise<void>[] = [];
    const now = Date.now();
    const enabled = this.config.networkMap.hopNames;
    for (const address of new Set(addresses)) {
      if (!enabled) {
        out.set(address, null);
        continue;
      }
      const hit = this.cache.get(address);
      if (hit && hit.expiresAt > now) {
        out.set(address, hit.name);
        continue;
      }
      out.set(address, null);
      const lookup = this.lookup(address);
      if (lookup) waiting.push(lookup.then((name) => void out.set(address, name)));
    }
    if (waiting.length > 0 && budgetMs > 0) {
      let timer: NodeJS.Timeout | undefined;
      const budget = new Promise<void>((resolve) => (timer = setTimeout(resolve, budgetMs)));
      await Promise.race([Promise.all(waiting), budget]);
      clearTimeout(timer);
    }
    // A copy: lookups finishing after the budget must not change what the caller already holds.
    return new Map(out);
  }

  /** Starts (or joins) the query for an address; undefined when it cannot be queued now. */
  private lookup(address: string): Promise<string | null> | undefined {
    const inFlight = this.pending.get(address);
    if (inFlight) return inFlight;
    const ip = parseIp(address);
    if (!ip) return undefined;
    // Shed rather than grow: an address skipped now is asked on a later read.
    if (this.queue.length >= MAX_QUEUED) return undefined;
    const done = new Promise<string | null>((resolve) => {
      this.queue.push(() => {
        this.running++;
        this.resolver
          .reverse(ip)
          .then(
            // "No PTR record" is remembered like a failure: for the shorter, negative TTL.
            (name) => this.remember(address, name, name === null ? this.config.networkMap.dnsNegativeTtlMs : this.config.networkMap.dnsTtlMs),
            (err: unknown) => {
              this.logger.debug({ err, ip: address }, 'hop reverse DNS failed');
              return this.remember(address, null, this.config.networkMap.dnsNegativeTtlMs);
            },
          )
          .then(resolve, () => resolve(null))
          .finally(() => {
            this.running--;
            this.pending.delete(address);
            this.next();
          });
      });
    });
    this.pending.set(address, done);
    this.next();
    return done;
  }

  private next(): void {
    while (this.running < this.config.networkMap.dnsConcurrency && this.queue.length > 0) this.queue.shift()?.();
  }

  private remember(address: string, name: string | null, ttlMs: number): string | null {
    // Re-inserted so the Map's order is age order: the first key is the one to drop.
    this.cache.delete(address);
    this.cache.set(address, { name, expiresAt: Date.now() + ttlMs });
    if (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    return name;
  }

  /** Queries in flight or waiting (tests: the concurrency bound). */
  get inFlight(): number {
    return this.running;
  }
}
