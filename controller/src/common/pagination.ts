import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;
/**
 * Largest offset any list takes: within PostgreSQL's and ClickHouse's integer parameters
 * (UInt32 would wrap 2^32 to the first page), and far beyond any real list.
 */
export const MAX_OFFSET = 2_147_483_647;

/**
 * A whole number from the query string, written only in decimal digits. `Number()` would also
 * read '0x1', '1e0', '+1', '1.0' and ' 1' as 1; those stay strings here and fail @IsInt.
 */
export function QueryInt(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d{1,16}$/.test(value) ? Number(value) : value));
}

/** The documented list envelope. */
export interface ListResponse<T> {
  data: T[];
  total: number;
  limit: number;
  offset: number;
}

export class PageQueryDto {
  @IsOptional()
  @QueryInt()
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1, { message: 'limit must be between 1 and 200' })
  @Max(MAX_LIMIT, { message: 'limit must be between 1 and 200' })
  limit: number = DEFAULT_LIMIT;

  @IsOptional()
  @QueryInt()
  @IsInt({ message: 'offset must be a whole number' })
  @Min(0, { message: `offset must be between 0 and ${MAX_OFFSET}` })
  @Max(MAX_OFFSET, { message: `offset must be between 0 and ${MAX_OFFSET}` })
  offset: number = 0;
}

export class SearchPageQueryDto extends PageQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export function toList<T>(data: T[], total: number, page: { limit: number; offset: number }): ListResponse<T> {
  return { data, total, limit: page.limit, offset: page.offset };
}

/** Every item of a paged list, read page by page (for exports and reports, never for a response). */
export async function allPages<T>(load: (page: PageQueryDto) => Promise<ListResponse<T>>, pageSize = MAX_LIMIT): Promise<T[]> {
  const items: T[] = [];
  for (let offset = 0; ; offset += pageSize) {
    const { data, total } = await load(Object.assign(new PageQueryDto(), { limit: pageSize, offset }));
    items.push(...data);
    if (data.length === 0 || items.length >= total) return items;
  }
}
