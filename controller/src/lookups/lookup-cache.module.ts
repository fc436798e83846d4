import { Module } from '@nestjs/common';
import { LookupCache } from './lookup-cache.service';

/** One cache instance per app, so concurrent identical lookups share one computation. */
@Module({ providers: [LookupCache], exports: [LookupCache] })
export class LookupCacheModule {}
