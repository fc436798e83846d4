import { IsInt, Max, Min } from 'class-validator';
import { QueryInt } from '../../common/pagination';

export class SpeedtestDownloadQuery {
  /** Bytes to send; above SPEEDTEST_MAX_BYTES the answer is 413 (checked by the service, not here). */
  @QueryInt()
  @IsInt({ message: 'bytes must be a whole number of bytes, 1 or more' })
  @Min(1, { message: 'bytes must be a whole number of bytes, 1 or more' })
  @Max(Number.MAX_SAFE_INTEGER, { message: 'bytes must be a whole number of bytes, 1 or more' })
  bytes!: number;
}
