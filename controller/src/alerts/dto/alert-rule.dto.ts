import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsNumber,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { IsPositiveId, OptionalNotNull, Trimmed } from '../../workspaces/dto/field-rules';
import { WEBHOOK_TEMPLATES, type WebhookTemplate } from '../delivery/webhook-templates';
import { ALERT_METRICS, type AlertMetric } from '../alert-metrics';
import { COMPARISON_OPERATORS, type ComparisonOperator } from '../evaluation/comparison';
import { SEVERITIES, type Severity } from '../alert-rule.entity';

/** Absent: keep; null: clear. For the nullable scope and tuning fields. */
const OptionalNullable = (): PropertyDecorator => ValidateIf((_, value) => value !== undefined && value !== null);

const wholeNumber = (field: string, min: number, max: number): PropertyDecorator => {
  const message = `${field} must be a whole number between ${min} and ${max}`;
  return (target: object, key: string | symbol) => {
    IsInt({ message })(target, key);
    Min(min, { message })(target, key);
    Max(max, { message })(target, key);
  };
};

const finiteNumber = (field: string): PropertyDecorator =>
  IsNumber({ allowNaN: false, allowInfinity: false }, { message: `${field} must be a number` });

/**
 * Every field an alert rule has, with the seed's names. Create requires name, metric, operator
 * and threshold; update takes any subset. Cross-field rules (a webhook needs a URL, the clear
 * threshold's side, scope inside the workspace) are checked by the service on the merged rule.
 */
export class AlertRuleFieldsDto {
  @OptionalNotNull()
  @Trimmed()
  @IsString({ message: 'name must be 1 to 200 characters' })
  @Length(1, 200, { message: 'name must be 1 to 200 characters' })
  name?: string;

  @OptionalNotNull()
  @IsIn(ALERT_METRICS, { message: `metric must be one of ${ALERT_METRICS.join(', ')}` })
  metric?: AlertMetric;

  @OptionalNotNull()
  @IsIn(COMPARISON_OPERATORS, { message: `operator must be one of ${COMPARISON_OPERATORS.join(' ')}` })
  operator?: ComparisonOperator;

  @OptionalNotNull()
  @finiteNumber('threshold')
  threshold?: number;

  @OptionalNullable()
  @finiteNumber('clear_threshold')
  clear_threshold?: number | null;

  @OptionalNotNull()
  @IsIn(SEVERITIES, { message: `severity must be one of ${SEVERITIES.join(', ')}` })
  severity?: Severity;

  @OptionalNullable()
  @IsPositiveId('probe_id')
  probe_id?: number | null;

  @OptionalNullable()
  @IsPositiveId('agent_id')
  agent_id?: number | null;

  @OptionalNullable()
  @Trimmed()
  @IsString({ message: 'target must be a string' })
  @Length(1, 253, { message: 'target must be 1 to 253 characters' })
  target?: string | null;

  @OptionalNotNull()
  @wholeNumber('quorum_min_agents', 0, 1000)
  quorum_min_agents?: number;

  @OptionalNotNull()
  @wholeNumber('sustain_count', 1, 1000)
  sustain_count?: number;

  @OptionalNotNull()
  @wholeNumber('sustain_seconds', 0, 86_400)
  sustain_seconds?: number;

  @OptionalNullable()
  @wholeNumber('renotify_seconds', 60, 604_800)
  renotify_seconds?: number | null;

  @OptionalNotNull()
  @wholeNumber('cooldown_seconds', 0, 86_400)
  cooldown_seconds?: number;

  @OptionalNullable()
  @wholeNumber('flap_window_seconds', 60, 86_400)
  flap_window_seconds?: number | null;

  @OptionalNullable()
  @wholeNumber('flap_max_transitions', 2, 100)
  flap_max_transitions?: number | null;

  @OptionalNotNull()
  @IsBoolean({ message: 'notify_panel must be true or false' })
  notify_panel?: boolean;

  @OptionalNotNull()
  @IsBoolean({ message: 'notify_webhook must be true or false' })
  notify_webhook?: boolean;

  @OptionalNullable()
  @Trimmed()
  @IsString({ message: 'webhook_url must be a string' })
  @MaxLength(2048, { message: 'webhook_url must be at most 2048 characters' })
  webhook_url?: string | null;

  /** Write-only: stored to sign deliveries, never returned (`has_webhook_secret` instead). */
  @OptionalNullable()
  @IsString({ message: 'webhook_secret must be a string' })
  @Length(1, 256, { message: 'webhook_secret must be 1 to 256 characters' })
  webhook_secret?: string | null;

  @OptionalNotNull()
  @IsIn(WEBHOOK_TEMPLATES, { message: `webhook_template must be one of ${WEBHOOK_TEMPLATES.join(', ')}` })
  webhook_template?: WebhookTemplate;

  @OptionalNotNull()
  @IsBoolean({ message: 'notify_email must be true or false' })
  notify_email?: boolean;

  @OptionalNotNull()
  @IsArray({ message: 'email_to must be a list of e-mail addresses' })
  @ArrayMaxSize(20, { message: 'email_to takes at most 20 addresses' })
  @IsEmail({}, { each: true, message: 'email_to must hold valid e-mail addresses' })
  @MaxLength(254, { each: true, message: 'email_to must hold valid e-mail addresses' })
  @Transform(({ value }: { value: unknown }) =>
    Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v)) : value,
  )
  email_to?: string[];

  @OptionalNotNull()
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;
}

/** Create: the same fields; name, metric, operator and threshold are required (checked with the merged rule). */
export class CreateAlertRuleDto extends AlertRuleFieldsDto {}

export class UpdateAlertRuleDto extends AlertRuleFieldsDto {}
