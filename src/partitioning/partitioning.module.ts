import { Module } from '@nestjs/common';
import { PARTITION_CLOCK, systemClock } from './clock';
import { PartitionService } from './partition.service';

/** Partition maintenance. Needs ScheduleModule.forRoot() (in AppModule) and the role DataSources. */
@Module({
  providers: [{ provide: PARTITION_CLOCK, useValue: systemClock }, PartitionService],
  exports: [PartitionService, PARTITION_CLOCK],
})
export class PartitioningModule {}
