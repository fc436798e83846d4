import { Injectable, PipeTransform } from '@nestjs/common';
import { ApiError } from './api-error';

const MAX_ID = 2_147_483_647;

export function parseId(raw: unknown, name: string): number {
  const text = typeof raw === 'number' ? String(raw) : raw;
  if (typeof text !== 'string' || !/^\d{1,10}$/.test(text)) {
    throw ApiError.badRequest(`${name} must be a positive integer`, 'invalid_id');
  }
  const value = Number(text);
  if (value < 1 || value > MAX_ID) throw ApiError.badRequest(`${name} must be a positive integer`, 'invalid_id');
  return value;
}

/**
 * Path ids are positive 32-bit integers; anything else is a 400 before any query runs, so a
 * malformed id can never reach Postgres as an out-of-range integer (which would be a 500).
 */
@Injectable()
export class IdPipe implements PipeTransform<unknown, number> {
  constructor(private readonly name: string) {}
  transform(value: unknown): number {
    return parseId(value, this.name);
  }
}

export const idParam = (name: string): IdPipe => new IdPipe(name);
