import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { InWorkspace, WorkspaceRoute, type WorkspaceTarget } from '../workspaces/workspace-route.decorator';
import { ExportWorkspaceDto, ImportWorkspaceDto } from './dto/workspace-transfer.dto';
import type { SealedFile } from './sealed-file';
import { ImportReport, WorkspaceTransferService } from './workspace-transfer.service';

/** Passphrase-sealed configuration export and import (README "Export and import"). */
@Controller('workspaces/:id')
export class WorkspaceTransferController {
  constructor(private readonly transfer: WorkspaceTransferService) {}

  /** POST, not GET: the passphrase travels in the body, never in a URL or a log line. */
  @Post('export')
  @HttpCode(200)
  @Header('Content-Disposition', 'attachment; filename="netwatcher-workspace.json"')
  @WorkspaceRoute('ADMIN', 'workspaces:write')
  export(@InWorkspace() at: WorkspaceTarget, @Body() dto: ExportWorkspaceDto): Promise<SealedFile> {
    return this.transfer.export(at.user.id, at.workspaceId, dto.passphrase);
  }

  @Post('import')
  @HttpCode(200)
  @WorkspaceRoute('ADMIN', 'workspaces:write')
  import(@InWorkspace() at: WorkspaceTarget, @Body() dto: ImportWorkspaceDto): Promise<ImportReport> {
    return this.transfer.import(at.user.id, at.workspaceId, dto);
  }
}
