import { IsBoolean, IsObject, IsOptional, IsString, Length } from 'class-validator';

const PASSPHRASE = 'passphrase must be 12 to 1024 characters';

export class ExportWorkspaceDto {
  @IsString({ message: PASSPHRASE })
  @Length(12, 1024, { message: PASSPHRASE })
  passphrase!: string;
}

export class ImportWorkspaceDto {
  @IsString({ message: PASSPHRASE })
  @Length(12, 1024, { message: PASSPHRASE })
  passphrase!: string;

  /** The object `POST …/export` answered, as saved. */
  @IsObject({ message: 'file must be the JSON object an export answered' })
  file!: Record<string, unknown>;

  /** Check everything and report what would be created, creating nothing. */
  @IsOptional()
  @IsBoolean({ message: 'dry_run must be true or false' })
  dry_run?: boolean;
}
