import { Global, Module } from '@nestjs/common';
import { ReadConsistency } from './read-consistency';

/** One ReadConsistency for the app: its cap on waiting queries counts them all. */
@Global()
@Module({ providers: [ReadConsistency], exports: [ReadConsistency] })
export class ReadConsistencyModule {}
