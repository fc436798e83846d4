import { IsOptional, IsString, MaxLength } from 'class-validator';

/** `query` (an IP address or domain) or `ip`; what they may contain is checked by the service. */
export class WhoisLookupQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(253)
  query?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  ip?: string;
}
