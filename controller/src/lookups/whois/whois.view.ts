import type { WhoisParsed } from './whois-parser';

export interface WhoisView {
  query: string;
  raw_output: string;
  parsed: WhoisParsed;
  /** How long the WHOIS server took when the answer was fetched. */
  lookup_time_ms: number;
  cached: boolean;
  cache_time: string;
}
