import { ApiError } from '../../common/api-error';
import { parseDomainName } from '../../common/hostname';
import { IpAddress, parseIp } from '../ip-address';
import { reservedRange } from '../reserved-ranges';

export type WhoisQuery = { kind: 'ip'; ip: IpAddress; text: string } | { kind: 'domain'; domain: string; text: string };

/**
 * Turns user input into something safe to send to a WHOIS server, or refuses it with 400
 * before any connection is made: an IP address (net.isIP) or a strict domain name, nothing
 * else. The text sent is the normalised form, never the raw input.
 */
export function parseWhoisQuery(input: string): WhoisQuery {
  if (input.length > 253) throw ApiError.badRequest('query is too long (at most 253 characters)', 'invalid_query');
  const ip = parseIp(input);
  if (ip) {
    const reserved = reservedRange(ip);
    if (reserved) {
      throw ApiError.badRequest(
        `${ip.address} is in ${reserved.range} (${reserved.description}): it has no public WHOIS record`,
        'reserved_address',
      );
    }
    return { kind: 'ip', ip, text: ip.address };
  }
  const domain = parseDomainName(input);
  if (domain) return { kind: 'domain', domain, text: domain };
  throw ApiError.badRequest('query must be an IP address or a domain name', 'invalid_query');
}
