import { Controller, Get } from '@nestjs/common';
import { RowWriter, WriterStats } from './row-writer';

/** Writer counters, until they join /status/database. */
@Controller('status/writers')
export class WriterStatusController {
  constructor(private readonly writer: RowWriter) {}

  @Get()
  stats(): WriterStats {
    return this.writer.stats();
  }
}
