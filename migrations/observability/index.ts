import { ObservabilitySchema1795400000003 } from './1795400000003-observability-schema';
import { ObservabilityPartitionedTraces1795500000000 } from './1795500000000-observability-partitioned-traces';

/** Migrations of the observability role, oldest first. */
export const observabilityMigrations = [ObservabilitySchema1795400000003, ObservabilityPartitionedTraces1795500000000];
