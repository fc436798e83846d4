import { Inject, Injectable } from '@nestjs/common';
import * as whoiser from 'whoiser';
import type { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import type { WhoisQuery } from './whois-query';

export interface WhoisAnswer {
  raw: string;
  /** The server(s) that answered, for the log and the operator. */
  servers: string[];
}

export type WhoisFailure = 'timeout' | 'unreachable' | 'empty' | 'failed';

export class WhoisError extends Error {
  constructor(
    readonly failure: WhoisFailure,
    message: string,
  ) {
    super(message);
  }
}

/** Registries answer in a few kilobytes; anything far bigger is not a WHOIS record. */
const MAX_RAW_CHARS = 256 * 1024;

function classify(e: unknown): WhoisError {
  if (e instanceof WhoisError) return e;
  const err = e as NodeJS.ErrnoException;
  if (err?.message === 'Timeout' || err?.code === 'ETIMEDOUT')
    return new WhoisError('timeout', 'WHOIS server did not answer in time');
  if (
    ['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'].includes(err?.code ?? '')
  ) {
    return new WhoisError('unreachable', `WHOIS server unreachable (${err.code})`);
  }
  return new WhoisError('failed', `WHOIS lookup failed: ${err?.message ?? String(e)}`);
}

function rawOf(result: unknown): string {
  const raw = (result as { __raw?: unknown } | null)?.__raw;
  return typeof raw === 'string' ? raw : '';
}

/**
 * Talks to WHOIS servers through whoiser. With WHOIS_SERVER set, every query goes to that one
 * server (a registry, or a local relay on networks that only allow that) on WHOIS_PORT, with
 * whoiser's low-level query() — its high-level calls ignore the port and follow referrals
 * elsewhere. Without it, whoiser discovers the registry through IANA and follows referrals.
 */
@Injectable()
export class WhoisClient {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async lookup(query: WhoisQuery): Promise<WhoisAnswer> {
    const { whoisServer, whoisPort, whoisTimeoutMs } = this.config.lookups;
    let timer: NodeJS.Timeout | undefined;
    // whoiser's timeout is per socket and idle-based: a server that trickles bytes would never
    // trip it. The overall deadline bounds the whole lookup, referrals included.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new WhoisError('timeout', 'WHOIS server did not answer in time')),
        whoisTimeoutMs,
      );
    });
    try {
      const work = whoisServer
        ? this.direct(whoisServer, whoisPort, query.text, whoisTimeoutMs)
        : this.discovered(query, whoisTimeoutMs);
      const answer = await Promise.race([work, deadline]);
      if (answer.raw.trim() === '')
        throw new WhoisError('empty', 'WHOIS server closed the connection without an answer');
      return { ...answer, raw: answer.raw.length > MAX_RAW_CHARS ? answer.raw.slice(0, MAX_RAW_CHARS) : answer.raw };
    } catch (e) {
      throw classify(e);
    } finally {
      clearTimeout(timer);
    }
  }

  private async direct(host: string, port: number, text: string, timeout: number): Promise<WhoisAnswer> {
    const raw = await whoiser.query({ host, port, query: text, timeout });
    return { raw, servers: [`${host}:${port}`] };
  }

  private async discovered(query: WhoisQuery, timeout: number): Promise<WhoisAnswer> {
    if (query.kind === 'ip') {
      const result = await whoiser.ip(query.text, { timeout, raw: true });
      return { raw: rawOf(result), servers: [] };
    }
    // Registry first, then the registrar it refers to; each answer is kept, in that order.
    const results = await whoiser.domain(query.text, { timeout, raw: true, follow: 2 });
    const servers = Object.keys(results);
    const answered = servers.filter((s) => rawOf(results[s]) !== '');
    if (answered.length === 0) {
      const error = servers.map((s) => (results[s] as { error?: unknown }).error).find((x) => typeof x === 'string');
      throw new WhoisError('failed', `WHOIS lookup failed: ${error ?? 'no server answered'}`);
    }
    return { raw: answered.map((s) => rawOf(results[s])).join('\n'), servers: answered };
  }
}
