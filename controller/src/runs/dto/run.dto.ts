import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { RUN_STATUSES, type RunStatus } from '@netwatcher/shared';
import { PageQueryDto, QueryInt } from '../../common/pagination';
import { IsPositiveId, OptionalNotNull } from '../../workspaces/dto/field-rules';

/*
 * Shapes and types only: a run's settings obey the probe rules (probes/probe-rules.ts), checked
 * by the service, so a run body is refused exactly where a probe body would be.
 */

/** `POST …/agents/{agentID}/runs`: a configured probe (`probe_id`) or an ad-hoc one (`type` and settings). */
export class CreateRunDto {
  /** Run this probe of the agent now; no other field may be given with it. */
  @OptionalNotNull() @IsPositiveId('probe_id') probe_id?: number;

  @OptionalNotNull()
  @IsString({ message: 'type must be a string' })
  @MaxLength(32, { message: 'type must be at most 32 characters' })
  type?: string;

  @OptionalNotNull() @IsInt({ message: 'timeout_sec must be a whole number' }) timeout_sec?: number;
  @OptionalNotNull() @IsInt({ message: 'count must be a whole number' }) count?: number;
  @OptionalNotNull() @IsInt({ message: 'duration_sec must be a whole number' }) duration_sec?: number;

  @OptionalNotNull()
  @IsArray({ message: 'targets must be an array of strings' })
  @ArrayMaxSize(100, { message: 'targets may list at most 100 entries' })
  @IsString({ each: true, message: 'targets must be an array of strings' })
  @MaxLength(2048, { each: true, message: 'targets entries must be at most 2048 characters' })
  targets?: string[];

  @OptionalNotNull()
  @IsArray({ message: 'agent_targets must be an array of positive agent ids' })
  @ArrayMaxSize(100, { message: 'agent_targets may list at most 100 agents' })
  @IsInt({ each: true, message: 'agent_targets must be an array of positive agent ids' })
  @Min(1, { each: true, message: 'agent_targets must be an array of positive agent ids' })
  @Max(2_147_483_647, { each: true, message: 'agent_targets must be an array of positive agent ids' })
  agent_targets?: number[];
}

export class QueueQueryDto extends PageQueryDto {
  @IsOptional()
  @QueryInt()
  @IsInt({ message: 'agent_id must be a positive whole number' })
  @Min(1, { message: 'agent_id must be a positive whole number' })
  @Max(2_147_483_647, { message: 'agent_id must be a positive whole number' })
  agent_id?: number;

  @IsOptional()
  @IsIn(RUN_STATUSES, { message: `status must be one of ${RUN_STATUSES.join(', ')}` })
  status?: RunStatus;
}
