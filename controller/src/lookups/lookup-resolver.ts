import { Inject, Injectable } from '@nestjs/common';
import { lookup, Resolver } from 'node:dns/promises';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { IpAddress, parseIp, reverseDnsName } from './ip-address';
import { isLoopback } from './reserved-ranges';

export class DnsError extends Error {
  constructor(
    readonly failure: 'timeout' | 'failed',
    message: string,
  ) {
    super(message);
  }
}

/** Answers that mean "no such record", as opposed to "could not ask". */
const NO_RECORD = new Set(['ENOTFOUND', 'ENODATA', 'NOTFOUND', 'NODATA']);

function dnsError(e: unknown, what: string): DnsError {
  const code = (e as NodeJS.ErrnoException)?.code ?? '';
  if (code === 'ETIMEOUT' || code === 'TIMEOUT' || code === 'ETIMEDOUT')
    return new DnsError('timeout', `${what}: DNS server did not answer in time`);
  return new DnsError('failed', `${what}: DNS lookup failed (${code || (e as Error)?.message || 'unknown error'})`);
}

/**
 * Reverse DNS and host name resolution for lookups. With LOOKUP_DNS_SERVERS set, every query
 * goes to those servers (tests point this at a stub on loopback; operators at an internal
 * resolver); otherwise reverse lookups use the system's DNS servers and names resolve like
 * any other program's (getaddrinfo: /etc/hosts, then DNS).
 */
@Injectable()
export class LookupResolver {
  private readonly resolver: Resolver;
  private readonly custom: boolean;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const { dnsServers, dnsTimeoutMs } = config.lookups;
    this.resolver = new Resolver({ timeout: dnsTimeoutMs, tries: 1 });
    this.custom = dnsServers.length > 0;
    if (this.custom) this.resolver.setServers(dnsServers);
  }

  /** The PTR name of an address; null when it has none. Loopback is not asked about. */
  async reverse(ip: IpAddress): Promise<string | null> {
    if (isLoopback(ip)) return null;
    try {
      // resolvePtr rather than reverse(): reverse() reports an unreachable or silent server as
      // ENOTFOUND, indistinguishable from "no PTR record".
      const names = await this.resolver.resolvePtr(reverseDnsName(ip));
      return names[0] ?? null;
    } catch (e) {
      if (NO_RECORD.has((e as NodeJS.ErrnoException).code ?? '')) return null;
      throw dnsError(e, `reverse DNS for ${ip.address}`);
    }
  }

  /** The address a host name resolves to (IPv4 preferred), or null when the name does not exist. */
  async resolve(name: string): Promise<IpAddress | null> {
    try {
      const addresses = this.custom
        ? await this.resolveWithServers(name)
        : (await lookup(name, { all: true })).map((a) => a.address);
      const parsed = addresses.map((a) => parseIp(a)).filter((a): a is IpAddress => a !== null);
      return parsed.find((a) => a.version === 4) ?? parsed[0] ?? null;
    } catch (e) {
      if (NO_RECORD.has((e as NodeJS.ErrnoException).code ?? '')) return null;
      throw dnsError(e, `resolving ${name}`);
    }
  }

  private async resolveWithServers(name: string): Promise<string[]> {
    try {
      return await this.resolver.resolve4(name);
    } catch (e) {
      if (!NO_RECORD.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
      return this.resolver.resolve6(name);
    }
  }
}
