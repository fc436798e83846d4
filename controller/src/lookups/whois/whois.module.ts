import { Module } from '@nestjs/common';
import { LookupCacheModule } from '../lookup-cache.module';
import { WhoisClient } from './whois.client';
import { WhoisController } from './whois.controller';
import { WhoisService } from './whois.service';

@Module({
  imports: [LookupCacheModule],
  controllers: [WhoisController],
  providers: [WhoisService, WhoisClient],
  exports: [WhoisService],
})
export class WhoisModule {}
