import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { AuthUser, CurrentUser } from '../auth/current-user.decorator';
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

const WS = idParam('workspace id');
const RULE = idParam('rule id');
const ALERT = idParam('alert id');
const NOTIFICATION = idParam('notification id');
const WINDOW = idParam('maintenance window id');

/** Alerts across the caller's workspaces (seed contract). Registered before /workspaces/:id. */
@Controller()
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get('workspaces/alerts')
  list(@CurrentUser() user: AuthUser, @Query() query: AlertListQueryDto): Promise<ListResponse<AlertView>> {
    return this.alerts.list(user.id, query);
  }

  @Get('workspaces/alerts/count')
  count(@CurrentUser() user: AuthUser): Promise<{ count: number }> {
    return this.alerts.countActive(user.id);
  }

  @Patch('alerts/:alertId')
  setStatus(@CurrentUser() user: AuthUser, @Param('alertId', ALERT) alertId: number, @Body() dto: AlertStatusDto): Promise<AlertView> {
    return this.alerts.setStatus(user.id, alertId, dto.status);
  }

  @Get('alerts/:alertId/history')
  history(@CurrentUser() user: AuthUser, @Param('alertId', ALERT) alertId: number): Promise<{ data: AlertHistoryView[] }> {
    return this.alerts.history(user.id, alertId);
  }
}

@Controller('workspaces/:id/alert-rules')
export class AlertRulesController {
  constructor(
    private readonly rules: AlertRulesService,
    private readonly notifications: NotificationsService,
  ) {}

  @Get()
  list(@CurrentUser() user: AuthUser, @Param('id', WS) ws: number, @Query() page: PageQueryDto): Promise<ListResponse<AlertRuleView>> {
    return this.rules.list(user.id, ws, page);
  }

  @Post()
  create(@CurrentUser() user: AuthUser, @Param('id', WS) ws: number, @Body() dto: CreateAlertRuleDto): Promise<AlertRuleView> {
    return this.rules.create(user.id, ws, dto);
  }

  @Get(':ruleId')
  get(@CurrentUser() user: AuthUser, @Param('id', WS) ws: number, @Param('ruleId', RULE) ruleId: number): Promise<AlertRuleView> {
    return this.rules.get(user.id, ws, ruleId);
  }

  @Patch(':ruleId')
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', WS) ws: number,
    @Param('ruleId', RULE) ruleId: number,
    @Body() dto: UpdateAlertRuleDto,
  ): Promise<AlertRuleView> {
    return this.rules.update(user.id, ws, ruleId, dto);
  }

  @Delete(':ruleId')
  @HttpCode(204)
  remove(@CurrentUser() user: AuthUser, @Param('id', WS) ws: number, @Param('ruleId', RULE) ruleId: number): Promise<void> {
    return this.rules.remove(user.id, ws, ruleId);
  }

  @Post(':ruleId/test')
  @HttpCode(200)
  test(@CurrentUser() user: AuthUser, @Param('id', WS) ws: number, @Param('ruleId', RULE) ruleId: number): Promise<TestNotificationReport> {
    return this.notifications.sendTest(user.id, ws, ruleId);
  }
}

@Controller('workspaces/:id/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  list(
    @CurrentUser() user: AuthUser,
    @Param('id', WS) ws: number,
    @Query() query: NotificationListQueryDto,
  ): Promise<ListResponse<NotificationView>> {
    return this.notifications.list(user.id, ws, query);
  }

  @Post(':notificationId/retry')
  @HttpCode(200)
  retry(
    @CurrentUser() user: AuthUser,
    @Param('id', WS) ws: number,
    @Param('notificationId', NOTIFICATION) notificationId: number,
  ): Promise<NotificationView> {
    return this.notifications.retry(user.id, ws, notificationId);
  }
}

@Controller('workspaces/:id/maintenance-windows')
export class MaintenanceWindowsController {
  constructor(private readonly windows: MaintenanceWindowsService) {}

  @Get()
  list(@CurrentUser() user: AuthUser, @Param('id', WS) ws: number, @Query() page: PageQueryDto): Promise<ListResponse<MaintenanceWindowView>> {
    return this.windows.list(user.id, ws, page);
  }

  @Post()
  create(@CurrentUser() user: AuthUser, @Param('id', WS) ws: number, @Body() dto: CreateMaintenanceWindowDto): Promise<MaintenanceWindowView> {
    return this.windows.create(user.id, ws, dto);
  }

  @Delete(':windowId')
  @HttpCode(204)
  remove(@CurrentUser() user: AuthUser, @Param('id', WS) ws: number, @Param('windowId', WINDOW) windowId: number): Promise<void> {
    return this.windows.remove(user.id, ws, windowId);
  }
}
