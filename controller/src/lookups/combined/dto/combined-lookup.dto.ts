import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** An IP address or a host name; which one, and whether it is well formed, the service decides. */
export class CombinedLookupQueryDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(253)
  ip!: string;
}
