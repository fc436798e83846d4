import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { ApiError } from '../../common/api-error';
import type { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { LookupCache } from '../lookup-cache.service';
import { WhoisClient, WhoisError } from './whois.client';
import { parseWhois } from './whois-parser';
import { parseWhoisQuery, WhoisQuery } from './whois-query';
import type { WhoisView } from './whois.view';

/** What is cached: the answer as received. Parsing happens on every read, so parser fixes apply. */
interface StoredWhois {
  raw_output: string;
  lookup_time_ms: number;
}

function toApiError(e: WhoisError): ApiError {
  if (e.failure === 'timeout') return new ApiError(HttpStatus.GATEWAY_TIMEOUT, 'whois_timeout', e.message);
  return new ApiError(
    HttpStatus.BAD_GATEWAY,
    e.failure === 'unreachable' ? 'whois_unreachable' : 'whois_failed',
    e.message,
  );
}

/** Validated, cached WHOIS lookups. Input is checked before any connection is opened. */
@Injectable()
export class WhoisService {
  constructor(
    private readonly client: WhoisClient,
    private readonly cache: LookupCache,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `query` or `ip` from the request; both may be given only if they agree. */
  resolveInput(query: string | undefined, ip: string | undefined): WhoisQuery {
    if (query === undefined && ip === undefined)
      throw ApiError.badRequest('query (or ip) is required', 'invalid_query');
    if (query !== undefined && ip !== undefined && query.trim() !== ip.trim()) {
      throw ApiError.badRequest('give either query or ip, not two different values', 'invalid_query');
    }
    const parsed = parseWhoisQuery((query ?? ip) as string);
    if (query === undefined && parsed.kind !== 'ip')
      throw ApiError.badRequest('ip must be an IP address', 'invalid_ip');
    return parsed;
  }

  async lookup(query: WhoisQuery): Promise<WhoisView> {
    const { value, cached, cacheTime } = await this.cache.remember<StoredWhois>(
      'whois',
      query.text,
      '',
      this.config.lookups.whoisCacheDays,
      () => this.fetch(query),
    );
    return {
      query: query.text,
      raw_output: value.raw_output,
      parsed: parseWhois(value.raw_output),
      lookup_time_ms: value.lookup_time_ms,
      cached,
      cache_time: cacheTime.toISOString(),
    };
  }

  private async fetch(query: WhoisQuery): Promise<StoredWhois> {
    const started = performance.now();
    try {
      const answer = await this.client.lookup(query);
      return { raw_output: answer.raw, lookup_time_ms: Math.round(performance.now() - started) };
    } catch (e) {
      if (e instanceof WhoisError) throw toApiError(e);
      throw e;
    }
  }
}
