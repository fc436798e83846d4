import { IsEmail, IsIn, IsObject, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class RegisterDto {
  @IsEmail({}, { message: 'email must be a valid e-mail address' })
  @MaxLength(254)
  email!: string;

  @IsString()
  @MinLength(8, { message: 'password must be at least 8 characters' })
  @MaxLength(256)
  password!: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  /** Accepted for contract compatibility; self-registration can only ever create a USER. */
  @IsOptional()
  @IsIn(['USER'], { message: 'role can only be USER at registration' })
  role?: 'USER';

  @IsOptional()
  @IsObject()
  labels?: Record<string, unknown>;

  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;
}

export class LoginDto {
  @IsString()
  @MaxLength(254)
  email!: string;

  @IsString()
  @MaxLength(256)
  password!: string;
}

export class ChangePasswordDto {
  @IsString()
  @MaxLength(256)
  current_password!: string;

  @IsString()
  @MinLength(8, { message: 'new_password must be at least 8 characters' })
  @MaxLength(256)
  new_password!: string;
}

export class UnlockDto {
  @IsString()
  @MaxLength(254)
  email!: string;
}
