import { isIP } from 'node:net';
import { IsInt, IsOptional, IsString, Length, Max, MaxLength, Min, ValidateBy } from 'class-validator';
import { IsJsonObject, IsPositiveId, OptionalNotNull, Trimmed } from '../../workspaces/dto/field-rules';
import { PIN_LENGTH, PIN_TTL_SECONDS } from '../agent-credentials';

const NAME_MESSAGE = 'name must be 1 to 100 characters';

/** Empty (use the address the agent reports) or a literal IPv4/IPv6 address. */
const IsIpOrEmpty = (): PropertyDecorator =>
  ValidateBy({
    name: 'isIpOrEmpty',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && (value === '' || isIP(value) !== 0),
      defaultMessage: () => 'public_ip_override must be empty or a valid IPv4/IPv6 address',
    },
  });

const PinLength = (field: string): PropertyDecorator => {
  const message = `${field} must be a whole number between ${PIN_LENGTH.min} and ${PIN_LENGTH.max}`;
  return (target: object, key: string | symbol) => {
    OptionalNotNull()(target, key);
    IsInt({ message })(target, key);
    Min(PIN_LENGTH.min, { message })(target, key);
    Max(PIN_LENGTH.max, { message })(target, key);
  };
};

const PinTtl = (field: string): PropertyDecorator => {
  const message = `${field} must be a whole number of seconds between ${PIN_TTL_SECONDS.min} and ${PIN_TTL_SECONDS.max}`;
  return (target: object, key: string | symbol) => {
    OptionalNotNull()(target, key);
    IsInt({ message })(target, key);
    Min(PIN_TTL_SECONDS.min, { message })(target, key);
    Max(PIN_TTL_SECONDS.max, { message })(target, key);
  };
};

/** The fields an operator may set on create and change later; absent means "keep", null is refused. */
class AgentFieldsDto {
  @OptionalNotNull()
  @IsString({ message: 'description must be a string' })
  @MaxLength(1000, { message: 'description must be at most 1000 characters' })
  description?: string;

  @OptionalNotNull()
  @Trimmed()
  @IsString({ message: 'location must be a string' })
  @MaxLength(200, { message: 'location must be at most 200 characters' })
  location?: string;

  @OptionalNotNull()
  @Trimmed()
  @IsIpOrEmpty()
  public_ip_override?: string;

  @OptionalNotNull()
  @IsJsonObject()
  labels?: Record<string, unknown>;

  @OptionalNotNull()
  @IsJsonObject()
  metadata?: Record<string, unknown>;
}

export class CreateAgentDto extends AgentFieldsDto {
  @Trimmed()
  @IsString({ message: 'name must be a string' })
  @Length(1, 100, { message: NAME_MESSAGE })
  name!: string;

  /** Normally reported by the agent itself; accepted on create as in the seed. */
  @OptionalNotNull()
  @Trimmed()
  @IsString({ message: 'version must be a string' })
  @MaxLength(64, { message: 'version must be at most 64 characters' })
  version?: string;

  @PinLength('pinLength')
  pinLength?: number;

  @PinTtl('pinTTLSeconds')
  pinTTLSeconds?: number;
}

export class UpdateAgentDto extends AgentFieldsDto {
  @OptionalNotNull()
  @Trimmed()
  @IsString({ message: 'name must be a string' })
  @Length(1, 100, { message: NAME_MESSAGE })
  name?: string;
}

export class IssuePinDto {
  @PinLength('pinLength')
  pinLength?: number;

  @PinTtl('ttlSeconds')
  ttlSeconds?: number;
}

/** POST /agent: exactly one of `pin` (bootstrap) or `psk` (login); the service enforces "exactly one". */
export class AgentLoginDto {
  @IsPositiveId('workspace_id')
  workspace_id!: number;

  @IsPositiveId('agent_id')
  agent_id!: number;

  @IsOptional()
  @IsString({ message: 'pin must be a string' })
  @MaxLength(64, { message: 'pin must be at most 64 characters' })
  pin?: string;

  @IsOptional()
  @IsString({ message: 'psk must be a string' })
  @MaxLength(256, { message: 'psk must be at most 256 characters' })
  psk?: string;
}
