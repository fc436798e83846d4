import { Controller, Get, Header, Query, Res } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Caller } from '../auth/caller';
import { CurrentCaller } from '../auth/current-user.decorator';
import { RequireScope } from '../auth/require-scope.decorator';
import { UserDirectory } from '../auth/user-directory.service';
import { ApiError } from '../common/api-error';
import type { ListResponse } from '../common/pagination';
import { InWorkspace, WorkspaceRoute, WorkspaceTarget } from '../workspaces/workspace-route.decorator';
import { AuditLogService } from './audit-log.service';
import { AuditQueryDto } from './dto/audit-query.dto';
import type { AuditEntryView, AuditVerifyView } from './audit.view';

type AuditAnswer = ListResponse<AuditEntryView> | string;

/** For OpenAPI: the CSV download; the JSON list is read from the handler's return type. */
const AuditCsv = (): MethodDecorator =>
  ApiOkResponse({ description: 'The list, or with `format=csv` the whole filtered log as a download.', content: { 'text/csv': { schema: { type: 'string' } } } });

/** JSON list, or with `?format=csv` the whole filtered log as a download. */
async function answer(
  log: AuditLogService,
  workspaceId: number | null,
  query: AuditQueryDto,
  res: Response,
  name: string,
): Promise<AuditAnswer> {
  if (query.format !== 'csv') return log.list(workspaceId, query);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
  return log.csv(workspaceId, query);
}

/** A workspace's audit log: its ADMINs (and OWNERs) read it. */
@Controller('workspaces/:id/audit')
export class WorkspaceAuditController {
  constructor(private readonly log: AuditLogService) {}

  @Get()
  @AuditCsv()
  @WorkspaceRoute('ADMIN', 'workspaces:read')
  list(
    @InWorkspace() at: WorkspaceTarget,
    @Query() query: AuditQueryDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AuditAnswer> {
    return answer(this.log, at.workspaceId, query, res, `audit-workspace-${at.workspaceId}`);
  }

  @Get('verify')
  @Header('Cache-Control', 'no-store')
  @WorkspaceRoute('ADMIN', 'workspaces:read')
  verify(@InWorkspace() at: WorkspaceTarget): Promise<AuditVerifyView> {
    return this.log.verify(at.workspaceId);
  }
}

/** The instance chain (logins, accounts): instance administrators only. */
@Controller('audit')
export class InstanceAuditController {
  constructor(
    private readonly log: AuditLogService,
    private readonly users: UserDirectory,
  ) {}

  @Get()
  @AuditCsv()
  @RequireScope('admin')
  async list(
    @CurrentCaller() caller: Caller,
    @Query() query: AuditQueryDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AuditAnswer> {
    await this.requireInstanceAdmin(caller);
    return answer(this.log, null, query, res, 'audit-instance');
  }

  @Get('verify')
  @Header('Cache-Control', 'no-store')
  @RequireScope('admin')
  async verify(@CurrentCaller() caller: Caller): Promise<AuditVerifyView> {
    await this.requireInstanceAdmin(caller);
    return this.log.verify(null);
  }

  private async requireInstanceAdmin(caller: Caller): Promise<void> {
    if (!(await this.users.isInstanceAdmin(caller.userId))) {
      throw ApiError.forbidden('the instance audit log needs an instance administrator', 'admin_required');
    }
  }
}
