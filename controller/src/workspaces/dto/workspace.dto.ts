import { IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { IsJsonObject, OptionalNotNull, Trimmed } from './field-rules';

const NAME_MESSAGE = 'name must be 1 to 100 characters';

export class CreateWorkspaceDto {
  @Trimmed()
  @IsString({ message: 'name must be a string' })
  @Length(1, 100, { message: NAME_MESSAGE })
  name!: string;

  @IsOptional()
  @IsString({ message: 'description must be a string' })
  @MaxLength(1000, { message: 'description must be at most 1000 characters' })
  description?: string;

  @IsOptional()
  @IsJsonObject()
  settings?: Record<string, unknown>;
}

/** Every field optional, none nullable; the service rejects a body that changes nothing. */
export class UpdateWorkspaceDto {
  @OptionalNotNull()
  @Trimmed()
  @IsString({ message: 'name must be a string' })
  @Length(1, 100, { message: NAME_MESSAGE })
  name?: string;

  @OptionalNotNull()
  @IsString({ message: 'description must be a string' })
  @MaxLength(1000, { message: 'description must be at most 1000 characters' })
  description?: string;

  @OptionalNotNull()
  @IsJsonObject()
  settings?: Record<string, unknown>;
}
