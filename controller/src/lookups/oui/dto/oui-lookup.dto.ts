import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, MaxLength } from 'class-validator';

export const OUI_BULK_MAX = 100;

/** Each MAC's format is checked by the service so the message can name the bad one. */
export class OuiBulkLookupDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(OUI_BULK_MAX, { message: `macs: at most ${OUI_BULK_MAX} addresses per request` })
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  macs!: string[];
}
