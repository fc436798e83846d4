import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

/** The documented list envelope. */
export interface ListResponse<T> {
  data: T[];
  total: number;
  limit: number;
  offset: number;
}

export class PageQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1, { message: 'limit must be between 1 and 200' })
  @Max(MAX_LIMIT, { message: 'limit must be between 1 and 200' })
  limit: number = DEFAULT_LIMIT;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'offset must be a whole number' })
  @Min(0, { message: 'offset must be 0 or more' })
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
