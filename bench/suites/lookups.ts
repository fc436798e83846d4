import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Logger } from '@nestjs/common';
import { loadConfig } from '../../controller/src/config/config';
import { CombinedService } from '../../controller/src/lookups/combined/combined.service';
import { loadAsnRanges } from '../../controller/src/lookups/geoip/asn-ranges';
import { GeoIpService } from '../../controller/src/lookups/geoip/geoip.service';
import { IpAddress, parseIp, reverseDnsName } from '../../controller/src/lookups/ip-address';
import { LookupCache } from '../../controller/src/lookups/lookup-cache.service';
import { LookupResolver } from '../../controller/src/lookups/lookup-resolver';
import { reservedRange } from '../../controller/src/lookups/reserved-ranges';
import { WhoisClient } from '../../controller/src/lookups/whois/whois.client';
import { WhoisService } from '../../controller/src/lookups/whois/whois.service';
import { createClickHouseClient } from '../../controller/src/timeseries/clickhouse.client';
import { migrateClickHouse } from '../../controller/src/timeseries/clickhouse.migrator';
import { TimeSeriesStore } from '../../controller/src/timeseries/timeseries.store';
import { startDnsStub, startWhoisStub } from '../../controller/test/fixtures';
import { CLICKHOUSE_MIGRATIONS } from '../lib/paths';
import { round, summarize } from '../lib/stats';

/** A short RPSL answer: the benchmark measures the controller, not a parser on a big text. */
const WHOIS_ANSWER = [
  'inetnum:        81.2.69.0 - 81.2.69.255',
  'netname:        BENCH-NET',
  'descr:          Benchmark network',
  'country:        GB',
  'created:        2004-01-01T00:00:00Z',
  'last-modified:  2024-01-01T00:00:00Z',
  'abuse-mailbox:  abuse@bench.example.net',
  'source:         RIPE',
  '',
].join('\n');

/** Deterministic public-looking addresses (mulberry32), so runs compare like for like. */
function addresses(count: number, version: 4 | 6, seed: number): IpAddress[] {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out: IpAddress[] = [];
  while (out.length < count) {
    // IPv4 from 1.0.0.0–222.255.255.255; IPv6 from the global unicast 2000::/4.
    const text =
      version === 4
        ? [1 + Math.floor(next() * 222), ...Array.from({ length: 3 }, () => Math.floor(next() * 256))].join('.')
        : [0x2000 + Math.floor(next() * 0x1000), ...Array.from({ length: 7 }, () => Math.floor(next() * 0x10000))]
            .map((h) => h.toString(16))
            .join(':');
    // Special-purpose ranges are answered before any database is read; leave them out.
    const ip = parseIp(text);
    if (ip && !reservedRange(ip)) out.push(ip);
  }
  return out;
}

/** Lookups per second of GeoIpService.lookup (city + country + ASN) over a fixed address set. */
async function geoIpThroughput(
  geoip: GeoIpService,
  ips: IpAddress[],
  seconds: number,
): Promise<Record<string, number>> {
  let done = 0;
  let located = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  while (performance.now() < deadline) {
    for (let i = 0; i < 1000; i++) {
      const view = await geoip.lookup(ips[done % ips.length]);
      if (view.country) located++;
      done++;
    }
  }
  const elapsed = (performance.now() - started) / 1000;
  return {
    lookups: done,
    seconds: round(elapsed, 2),
    lookups_per_s: Math.round(done / elapsed),
    located_pct: round((located / done) * 100, 1),
  };
}

/** The sorted-range ASN index alone (binary search over typed arrays), IPv4 file shipped by npm. */
async function asnRangeThroughput(ips: IpAddress[], seconds: number): Promise<Record<string, number>> {
  const path = join(dirname(require.resolve('@ip-location-db/asn/package.json')), 'asn-ipv4-num.csv');
  let t = performance.now();
  const index = await loadAsnRanges(path, 4);
  const loadMs = performance.now() - t;
  let done = 0;
  let found = 0;
  t = performance.now();
  const deadline = t + seconds * 1000;
  while (performance.now() < deadline) {
    for (let i = 0; i < 10_000; i++) {
      if (index.lookup(ips[done % ips.length])) found++;
      done++;
    }
  }
  const elapsed = (performance.now() - t) / 1000;
  return {
    ranges: index.size,
    load_ms: Math.round(loadMs),
    lookups_per_s: Math.round(done / elapsed),
    found_pct: round((found / done) * 100, 1),
  };
}

/**
 * GeoIP throughput on the databases shipped by npm, and combined-lookup latency (GeoIP + WHOIS
 * + reverse DNS, cache in chDB) uncached vs cached. WHOIS and DNS answer from stubs on
 * loopback, so the figures are the controller's own cost, not a registry's. Services are built
 * directly (no HTTP), which is what an API request costs minus Nest routing.
 */
export async function run(opts: { quick: boolean }): Promise<Record<string, unknown>> {
  Logger.overrideLogger(['error']);
  const dataDir = mkdtempSync(join(tmpdir(), 'nw-bench-lookups-'));
  const combinedSamples = opts.quick ? 40 : 200;
  const sample = addresses(combinedSamples, 4, 42);
  const whois = await startWhoisStub(() => WHOIS_ANSWER);
  const dns = await startDnsStub(
    Object.fromEntries(sample.map((ip, i) => [reverseDnsName(ip), { PTR: [`host-${i}.bench.example.net`] }])),
  );
  const config = loadConfig({
    DATA_DIR: dataDir,
    JWT_SECRET: 'benchmark-secret-long-enough',
    WHOIS_SERVER: '127.0.0.1',
    WHOIS_PORT: String(whois.port),
    LOOKUP_DNS_SERVERS: dns.server,
  });
  const store = new TimeSeriesStore(createClickHouseClient(config));
  const geoip = new GeoIpService(config);
  try {
    await migrateClickHouse(store, CLICKHOUSE_MIGRATIONS);
    const combinedService = (cache: LookupCache): CombinedService =>
      new CombinedService(
        geoip,
        new WhoisService(new WhoisClient(config), cache, config),
        new LookupResolver(config),
        cache,
        config,
      );
    const combined = combinedService(new LookupCache(store));

    let t = performance.now();
    const status = await geoip.status();
    const loadMs = round(performance.now() - t, 0);

    const v4 = await geoIpThroughput(geoip, addresses(50_000, 4, 7), opts.quick ? 1 : 4);
    const v6 = await geoIpThroughput(geoip, addresses(50_000, 6, 9), opts.quick ? 0.5 : 2);
    const asnRanges = await asnRangeThroughput(addresses(50_000, 4, 11), opts.quick ? 0.5 : 2);

    // Three passes over the same addresses: nothing cached; cached in this process's memory;
    // cached only in the store (a fresh cache instance, as on another replica or after a restart).
    const fromStore = combinedService(new LookupCache(store));
    const timings = { uncached: [] as number[], cached: [] as number[], cachedInStore: [] as number[] };
    let errors = 0;
    for (const [pass, service] of [
      ['uncached', combined],
      ['cached', combined],
      ['cachedInStore', fromStore],
    ] as const) {
      for (const ip of sample) {
        t = performance.now();
        const view = await service.lookup(ip.address);
        timings[pass].push(performance.now() - t);
        if (view.errors || view.cached !== (pass !== 'uncached')) errors++;
      }
    }
    const u = summarize(timings.uncached);
    const c = summarize(timings.cached);
    const s = summarize(timings.cachedInStore);
    return {
      geoip: {
        databases: status,
        load_ms: loadMs,
        ipv4: v4,
        ipv6: v6,
        asn_range_index_ipv4: asnRanges,
      },
      combined: {
        samples: sample.length,
        uncached_ms: { median: u.median, p95: u.p95, max: u.max },
        cached_ms: { median: c.median, p95: c.p95, max: c.max },
        cached_in_store_ms: { median: s.median, p95: s.p95, max: s.max },
        speedup_median: round(u.median / c.median, 1),
        lookups_with_errors: errors,
        whois_queries: whois.queries.length,
      },
    };
  } finally {
    geoip.onModuleDestroy();
    await store.close();
    await whois.close();
    await dns.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
