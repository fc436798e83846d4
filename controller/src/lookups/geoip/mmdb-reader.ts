import { readFile } from 'node:fs/promises';
import { Reader, Response } from 'maxmind';
import type { IpAddress } from '../ip-address';

/**
 * An opened `.mmdb` file and what it can answer. `T` is the record layout the caller expects;
 * the file decides what is really there, so readers of `T` stay defensive about fields.
 */
export interface MmdbDatabase<T> {
  reader: Reader<Response>;
  ipVersion: 4 | 6;
  databaseType: string;
  buildEpoch: Date;
  /** Phantom: ties the expected record layout to the database. */
  readonly layout?: T;
}

/** Reads the whole file into memory (as maxmind.open does) and checks it is a MaxMind DB. */
export async function openMmdb<T>(path: string): Promise<MmdbDatabase<T>> {
  const buffer = await readFile(path);
  // Reader throws on a truncated or foreign file (no metadata marker), which is what lets a
  // half-copied replacement be rejected while the previous copy keeps serving.
  const reader = new Reader<Response>(buffer);
  return {
    reader,
    ipVersion: reader.metadata.ipVersion === 4 ? 4 : 6,
    databaseType: reader.metadata.databaseType,
    buildEpoch: reader.metadata.buildEpoch,
  };
}

/**
 * The record for an address, or null. An IPv4-only tree would answer an IPv6 query from the
 * address's first 32 bits (a wrong record, not an error), so that case is refused here.
 */
export function mmdbGet<T>(db: MmdbDatabase<T>, ip: IpAddress): T | null {
  if (ip.version === 6 && db.ipVersion === 4) return null;
  return db.reader.get(ip.address) as T | null;
}
