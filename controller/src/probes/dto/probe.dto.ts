import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { PROBE_TYPES, ProbeType } from '@netwatcher/shared';
import { IsJsonObject, IsPositiveId, OptionalNotNull } from '../../workspaces/dto/field-rules';

/*
 * DTOs check shapes and types only; per-type ranges and target rules live in probe-rules.ts so
 * create, PATCH and copy share them. Array sizes are capped here too, so an oversized list is
 * refused before any work is done.
 */

const INPUT_LIST_MAX = 100;

const WholeNumber = (field: string): PropertyDecorator => (target: object, key: string | symbol) => {
  OptionalNotNull()(target, key);
  IsInt({ message: `${field} must be a whole number` })(target, key);
};

const Flag = (field: string): PropertyDecorator => (target: object, key: string | symbol) => {
  OptionalNotNull()(target, key);
  IsBoolean({ message: `${field} must be true or false` })(target, key);
};

const TargetList = (field: string): PropertyDecorator => (target: object, key: string | symbol) => {
  OptionalNotNull()(target, key);
  IsArray({ message: `${field} must be an array of strings` })(target, key);
  ArrayMaxSize(INPUT_LIST_MAX, { message: `${field} may list at most ${INPUT_LIST_MAX} entries` })(target, key);
  IsString({ each: true, message: `${field} must be an array of strings` })(target, key);
  MaxLength(2048, { each: true, message: `${field} entries must be at most 2048 characters` })(target, key);
};

/** Required unless combined with OptionalNotNull (ValidateIf would switch off every check here). */
const AgentIdList = (field: string, max = INPUT_LIST_MAX): PropertyDecorator => (target: object, key: string | symbol) => {
  const message = `${field} must be an array of positive agent ids`;
  IsArray({ message })(target, key);
  ArrayMaxSize(max, { message: `${field} may list at most ${max} agents` })(target, key);
  IsInt({ each: true, message })(target, key);
  Min(1, { each: true, message })(target, key);
  Max(2_147_483_647, { each: true, message })(target, key);
};

const OptionalId = (field: string): PropertyDecorator => (target: object, key: string | symbol) => {
  OptionalNotNull()(target, key);
  IsPositiveId(field)(target, key);
};

const JsonField = (): PropertyDecorator => (target: object, key: string | symbol) => {
  OptionalNotNull()(target, key);
  IsJsonObject()(target, key);
};

export class CreateProbeDto {
  /** Optional; when given it must equal the path's workspace id. */
  @OptionalId('workspace_id') workspace_id?: number;
  /** Optional; when given it must equal the path's agent id. */
  @OptionalId('agent_id') agent_id?: number;

  /** Any string here; probe-rules names the valid types in its 400. */
  @IsString({ message: 'type must be a string' })
  @MaxLength(32, { message: 'type must be at most 32 characters' })
  type!: string;

  @Flag('enabled') enabled?: boolean;
  @WholeNumber('interval_sec') interval_sec?: number;
  @WholeNumber('timeout_sec') timeout_sec?: number;
  @WholeNumber('count') count?: number;
  @WholeNumber('duration_sec') duration_sec?: number;
  @Flag('server') server?: boolean;
  @TargetList('targets') targets?: string[];
  @OptionalNotNull() @AgentIdList('agent_targets') agent_targets?: number[];
  @JsonField() labels?: Record<string, unknown>;
  @JsonField() metadata?: Record<string, unknown>;
  /** AGENT only: also create the mirror probe on every target agent, in the same transaction. */
  @Flag('bidirectional') bidirectional?: boolean;
}

/**
 * The seed's camelCase PATCH fields plus their snake_case spellings (the shape GET returns), so
 * a client can send back what it read. Giving both spellings of one field with different values
 * is a 400.
 */
export class UpdateProbeDto {
  @Flag('enabled') enabled?: boolean;
  @WholeNumber('intervalSec') intervalSec?: number;
  @WholeNumber('interval_sec') interval_sec?: number;
  @WholeNumber('timeoutSec') timeoutSec?: number;
  @WholeNumber('timeout_sec') timeout_sec?: number;
  @WholeNumber('count') count?: number;
  @WholeNumber('duration_sec') duration_sec?: number;
  @JsonField() labels?: Record<string, unknown>;
  @JsonField() metadata?: Record<string, unknown>;
  @TargetList('replaceTargets') replaceTargets?: string[];
  @TargetList('targets') targets?: string[];
  @OptionalNotNull() @AgentIdList('replaceAgentTargets') replaceAgentTargets?: number[];
  @OptionalNotNull() @AgentIdList('agent_targets') agent_targets?: number[];
}

export class CopyProbesDto {
  /** Optional; when given it must equal the path's agent id (the path names the source). */
  @OptionalId('source_agent_id') source_agent_id?: number;

  @ArrayMinSize(1, { message: 'dest_agent_ids must name at least one agent' })
  @AgentIdList('dest_agent_ids', 100)
  dest_agent_ids!: number[];

  @OptionalId('workspace_id') workspace_id?: number;

  @OptionalNotNull()
  @IsArray({ message: 'probe_ids must be an array of positive probe ids' })
  @ArrayMaxSize(1000, { message: 'probe_ids may list at most 1000 probes' })
  @IsInt({ each: true, message: 'probe_ids must be an array of positive probe ids' })
  @Min(1, { each: true, message: 'probe_ids must be an array of positive probe ids' })
  @Max(2_147_483_647, { each: true, message: 'probe_ids must be an array of positive probe ids' })
  probe_ids?: number[];

  @OptionalNotNull()
  @IsArray({ message: 'probe_types must be an array of probe types' })
  @ArrayMaxSize(PROBE_TYPES.length * 2, { message: 'probe_types lists too many entries' })
  @IsIn(PROBE_TYPES, { each: true, message: `probe_types entries must be one of ${PROBE_TYPES.join(', ')}` })
  probe_types?: ProbeType[];

  @Flag('match_targets') match_targets?: boolean;
  @Flag('skip_duplicates') skip_duplicates?: boolean;
}
