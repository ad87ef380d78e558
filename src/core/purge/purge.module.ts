import { Module } from '@nestjs/common';
import { ExpiryPurgeService } from './expiry-purge.service';

/** The scheduled purge of expired core rows. Needs ScheduleModule.forRoot() (in AppModule). */
@Module({ providers: [ExpiryPurgeService], exports: [ExpiryPurgeService] })
export class PurgeModule {}
