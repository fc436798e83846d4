import { ArrayMaxSize, ArrayMinSize, IsArray, IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** The address itself is checked by the service (net.isIP, no zone ids) so the message names it. */
export class GeoIpLookupQueryDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  ip!: string;
}

export const GEOIP_BULK_MAX = 100;

export class GeoIpBulkLookupDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(GEOIP_BULK_MAX, { message: `ips: at most ${GEOIP_BULK_MAX} addresses per request` })
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  ips!: string[];
}
