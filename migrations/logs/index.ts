import { LogsSchema1795400000002 } from './1795400000002-logs-schema';
import { LogsOtlpRecords1796050000000 } from './1796050000000-logs-otlp-records';

/** Migrations of the logs role, oldest first. */
export const logsMigrations = [LogsSchema1795400000002, LogsOtlpRecords1796050000000];
