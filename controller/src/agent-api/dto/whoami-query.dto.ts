import { IsIn, IsOptional } from 'class-validator';

export class WhoamiQueryDto {
  /** `true`: the address only, no GeoIP or reverse DNS (what agents poll with). */
  @IsOptional()
  @IsIn(['true', 'false', '1', '0'], { message: 'quick must be true or false' })
  quick?: string;
}
