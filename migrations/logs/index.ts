import { LogsSchema1795400000002 } from './1795400000002-logs-schema';

/** Migrations of the logs role, oldest first. */
export const logsMigrations = [LogsSchema1795400000002];
