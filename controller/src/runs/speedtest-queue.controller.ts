import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { idParam } from '../common/id-param';
import { ListResponse } from '../common/pagination';
import { InWorkspace, WorkspaceRoute, WorkspaceTarget } from '../workspaces/workspace-route.decorator';
import { QueueQueryDto } from './dto/run.dto';
import { QueueEntryView } from './run.view';
import { SpeedtestQueue } from './speedtest-queue.service';

@Controller('workspaces/:id/speedtest-queue')
export class SpeedtestQueueController {
  constructor(private readonly queue: SpeedtestQueue) {}

  @Get()
  @WorkspaceRoute('VIEWER', 'probes:read')
  list(@InWorkspace() at: WorkspaceTarget, @Query() query: QueueQueryDto): Promise<ListResponse<QueueEntryView>> {
    return this.queue.list(at.user.id, at.workspaceId, query);
  }

  @Post(':queueID/cancel')
  @HttpCode(200)
  @WorkspaceRoute('USER', 'probes:write')
  cancel(@InWorkspace() at: WorkspaceTarget, @Param('queueID', idParam('queue id')) queueId: number): Promise<QueueEntryView> {
    return this.queue.cancel(at.user.id, at.workspaceId, queueId);
  }
}
