import { Module } from '@nestjs/common';
import { LookupResolver } from './lookup-resolver';

@Module({ providers: [LookupResolver], exports: [LookupResolver] })
export class LookupResolverModule {}
