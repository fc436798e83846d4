import { IsIn, Matches, ValidateIf } from 'class-validator';

export const UPDATE_MODES = ['auto', 'disabled', 'pinned'] as const;
export type UpdateMode = (typeof UPDATE_MODES)[number];

/** PUT …/agents/{agentID}/update-policy */
export class UpdatePolicyDto {
  @IsIn(UPDATE_MODES, { message: `mode must be one of ${UPDATE_MODES.join(', ')}` })
  mode!: UpdateMode;

  /** Required with mode "pinned": the agent updates to this version only, and to nothing else. */
  @ValidateIf((o: UpdatePolicyDto) => o.mode === 'pinned' || o.version !== undefined)
  @Matches(/^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/, { message: 'version must look like 1.2.3 (and is required with mode "pinned")' })
  version?: string;
}
