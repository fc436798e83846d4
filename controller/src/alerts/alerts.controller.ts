import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import type { Caller } from '../auth/caller';
import { CurrentCaller } from '../auth/current-user.decorator';
import { RequireScope } from '../auth/require-scope.decorator';
import { idParam } from '../common/id-param';
import { ListResponse, PageQueryDto } from '../common/pagination';
import { AlertRulesService } from './alert-rules.service';
import { AlertHistoryView, AlertRuleView, AlertView, NotificationView } from './alert.view';
import { AlertsService } from './alerts.service';
import { AlertListQueryDto, AlertStatusDto, NotificationListQueryDto } from './dto/alert-query.dto';
import { CreateAlertRuleDto, UpdateAlertRuleDto } from './dto/alert-rule.dto';
import { CreateMaintenanceWindowDto } from './dto/maintenance-window.dto';
import { MaintenanceWindowsService, MaintenanceWindowView } from './maintenance-windows.service';
import { NotificationsService, TestNotificationReport } from './notifications.service';
import { InWorkspace, WorkspaceRoute, type WorkspaceTarget } from '../workspaces/workspace-route.decorator';

const RULE = idParam('rule id');
const ALERT = idParam('alert id');
const NOTIFICATION = idParam('notification id');
const WINDOW = idParam('maintenance window id');

/** Alerts across the caller's workspaces (seed contract). Registered before /workspaces/:id. */
@Controller()
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get('workspaces/alerts')
  @RequireScope('alerts:read')
  list(@CurrentCaller() caller: Caller, @Query() query: AlertListQueryDto): Promise<ListResponse<AlertView>> {
    return this.alerts.list(caller, query);
  }

  @Get('workspaces/alerts/count')
  @RequireScope('alerts:read')
  count(@CurrentCaller() caller: Caller): Promise<{ count: number }> {
    return this.alerts.countActive(caller);
  }

  @Patch('alerts/:alertId')
  @RequireScope('alerts:write')
  setStatus(@CurrentCaller() caller: Caller, @Param('alertId', ALERT) alertId: number, @Body() dto: AlertStatusDto): Promise<AlertView> {
    return this.alerts.setStatus(caller, alertId, dto.status);
  }

  @Get('alerts/:alertId/history')
  @RequireScope('alerts:read')
  history(@CurrentCaller() caller: Caller, @Param('alertId', ALERT) alertId: number): Promise<{ data: AlertHistoryView[] }> {
    return this.alerts.history(caller, alertId);
  }
}

@Controller('workspaces/:id/alert-rules')
export class AlertRulesController {
  constructor(
    private readonly rules: AlertRulesService,
    private readonly notifications: NotificationsService,
  ) {}

  @Get()
  @WorkspaceRoute('VIEWER', 'alerts:read')
  list(@InWorkspace() at: WorkspaceTarget, @Query() page: PageQueryDto): Promise<ListResponse<AlertRuleView>> {
    return this.rules.list(at.user.id, at.workspaceId, page);
  }

  @Post()
  @WorkspaceRoute('ADMIN', 'alerts:write')
  create(@InWorkspace() at: WorkspaceTarget, @Body() dto: CreateAlertRuleDto): Promise<AlertRuleView> {
    return this.rules.create(at.user.id, at.workspaceId, dto);
  }

  @Get(':ruleId')
  @WorkspaceRoute('VIEWER', 'alerts:read')
  get(@InWorkspace() at: WorkspaceTarget, @Param('ruleId', RULE) ruleId: number): Promise<AlertRuleView> {
    return this.rules.get(at.user.id, at.workspaceId, ruleId);
  }

  @Patch(':ruleId')
  @WorkspaceRoute('ADMIN', 'alerts:write')
  update(@InWorkspace() at: WorkspaceTarget, @Param('ruleId', RULE) ruleId: number, @Body() dto: UpdateAlertRuleDto): Promise<AlertRuleView> {
    return this.rules.update(at.user.id, at.workspaceId, ruleId, dto);
  }

  @Delete(':ruleId')
  @WorkspaceRoute('ADMIN', 'alerts:write')
  @HttpCode(204)
  remove(@InWorkspace() at: WorkspaceTarget, @Param('ruleId', RULE) ruleId: number): Promise<void> {
    return this.rules.remove(at.user.id, at.workspaceId, ruleId);
  }

  @Post(':ruleId/test')
  @WorkspaceRoute('ADMIN', 'alerts:write')
  @HttpCode(200)
  test(@InWorkspace() at: WorkspaceTarget, @Param('ruleId', RULE) ruleId: number): Promise<TestNotificationReport> {
    return this.notifications.sendTest(at.user.id, at.workspaceId, ruleId);
  }
}

@Controller('workspaces/:id/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @WorkspaceRoute('ADMIN', 'alerts:read')
  list(@InWorkspace() at: WorkspaceTarget, @Query() query: NotificationListQueryDto): Promise<ListResponse<NotificationView>> {
    return this.notifications.list(at.user.id, at.workspaceId, query);
  }

  @Post(':notificationId/retry')
  @WorkspaceRoute('ADMIN', 'alerts:write')
  @HttpCode(200)
  retry(@InWorkspace() at: WorkspaceTarget, @Param('notificationId', NOTIFICATION) notificationId: number): Promise<NotificationView> {
    return this.notifications.retry(at.user.id, at.workspaceId, notificationId);
  }
}

@Controller('workspaces/:id/maintenance-windows')
export class MaintenanceWindowsController {
  constructor(private readonly windows: MaintenanceWindowsService) {}

  @Get()
  @WorkspaceRoute('VIEWER', 'alerts:read')
  list(@InWorkspace() at: WorkspaceTarget, @Query() page: PageQueryDto): Promise<ListResponse<MaintenanceWindowView>> {
    return this.windows.list(at.user.id, at.workspaceId, page);
  }

  @Post()
  @WorkspaceRoute('ADMIN', 'alerts:write')
  create(@InWorkspace() at: WorkspaceTarget, @Body() dto: CreateMaintenanceWindowDto): Promise<MaintenanceWindowView> {
    return this.windows.create(at.user.id, at.workspaceId, dto);
  }

  @Delete(':windowId')
  @WorkspaceRoute('ADMIN', 'alerts:write')
  @HttpCode(204)
  remove(@InWorkspace() at: WorkspaceTarget, @Param('windowId', WINDOW) windowId: number): Promise<void> {
    return this.windows.remove(at.user.id, at.workspaceId, windowId);
  }
}
