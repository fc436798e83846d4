import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { AuditTrail } from '../common/audit-trail';
import { RequestContextInterceptor } from '../common/request-context';
import { AuditEntryEntity } from './audit-entry.entity';
import { AuditLogService } from './audit-log.service';
import { AuditRetention } from './audit-retention.service';
import { AuditWriter } from './audit-writer.service';
import { InstanceAuditController, WorkspaceAuditController } from './audit.controller';

/**
 * The audit log. Global because every feature records into it (through the AuditTrail port in
 * common/), and it installs the interceptor that makes the request context (actor, address,
 * request id) available to the writer.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AuditEntryEntity]), AuthModule],
  controllers: [WorkspaceAuditController, InstanceAuditController],
  providers: [
    AuditWriter,
    { provide: AuditTrail, useExisting: AuditWriter },
    AuditLogService,
    AuditRetention,
    { provide: APP_INTERCEPTOR, useClass: RequestContextInterceptor },
  ],
  exports: [AuditTrail],
})
export class AuditModule {}
