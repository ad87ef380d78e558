import { Controller, Get } from '@nestjs/common';
import { DatabaseStatus, DatabaseStatusService } from './database-status.service';

@Controller('status')
export class StatusController {
  constructor(private readonly databases: DatabaseStatusService) {}

  /** Every role's database and every partitioned table's partitions, for operators. No secrets. */
  @Get('database')
  database(): Promise<DatabaseStatus> {
    return this.databases.status();
  }
}
