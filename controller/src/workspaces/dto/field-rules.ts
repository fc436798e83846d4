import { Transform } from 'class-transformer';
import { IsEmail, IsInt, Max, MaxLength, Min, registerDecorator, ValidateIf, ValidationOptions } from 'class-validator';

/** Settings and member meta are free-form, but a bounded size keeps a row from becoming a blob store. */
export const JSON_OBJECT_MAX_BYTES = 16 * 1024;

/**
 * Optional, but not nullable: `@IsOptional()` also lets `null` through, which would reach a
 * NOT NULL column as a 500. Absent means "leave as is"; null is a validation error.
 */
export const OptionalNotNull = (): PropertyDecorator => ValidateIf((_, value) => value !== undefined);

/** Trims strings before validation so "  " fails a length check instead of being stored. */
export const Trimmed = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Lower-cases and trims e-mail addresses: users.email is stored that way, so comparisons agree. */
export const NormalizedEmail = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value));

/** Ids are Postgres `integer`s: anything past 2^31-1 would be a 500 from the database, not a 400. */
export function IsPositiveId(field: string): PropertyDecorator {
  const message = `${field} must be a positive integer`;
  return (target: object, propertyName: string | symbol) => {
    IsInt({ message })(target, propertyName);
    Min(1, { message })(target, propertyName);
    Max(2_147_483_647, { message })(target, propertyName);
  };
}

/** A syntactically valid address that fits the users.email rules (RFC 5321 length). */
export function IsEmailAddress(field = 'email'): PropertyDecorator {
  const message = `${field} must be a valid e-mail address`;
  return (target: object, propertyName: string | symbol) => {
    IsEmail({}, { message })(target, propertyName);
    MaxLength(254, { message })(target, propertyName);
  };
}

export function isPlainJsonObject(value: unknown, maxBytes: number): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  return Buffer.byteLength(JSON.stringify(value), 'utf8') <= maxBytes;
}

/** A plain JSON object (not an array, not null) whose JSON encoding fits in `maxBytes`. */
export function IsJsonObject(maxBytes = JSON_OBJECT_MAX_BYTES, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isJsonObject',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: `${String(propertyName)} must be a JSON object of at most ${maxBytes / 1024} KB`,
        ...options,
      },
      validator: { validate: (value: unknown) => isPlainJsonObject(value, maxBytes) },
    });
  };
}
