import { AlertRuleEntity } from './alert-rule.entity';
import { AlertEntity, AlertHistoryEntity, AlertSeriesEntity, MaintenanceWindowEntity, NotificationEntity } from './alert.entity';

/** The tables the alerts feature owns (registered by AlertsModule; listed for the migration CLI's data source). */
export const ALERT_ENTITIES = [AlertRuleEntity, AlertEntity, AlertHistoryEntity, AlertSeriesEntity, MaintenanceWindowEntity, NotificationEntity];
