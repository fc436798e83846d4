import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { ALERT_STATUSES, AlertStatus, NOTIFICATION_STATUSES, NotificationStatus } from '../alert.entity';

export class AlertListQueryDto extends PageQueryDto {
  @IsOptional()
  @IsIn(ALERT_STATUSES, { message: `status must be one of ${ALERT_STATUSES.join(', ')}` })
  status?: AlertStatus;
}

export class AlertStatusDto {
  @IsIn(['acknowledged', 'resolved'], { message: 'status must be acknowledged or resolved' })
  status!: 'acknowledged' | 'resolved';
}

export class NotificationListQueryDto extends PageQueryDto {
  @IsOptional()
  @IsIn(NOTIFICATION_STATUSES, { message: `status must be one of ${NOTIFICATION_STATUSES.join(', ')}` })
  status?: NotificationStatus;
}
