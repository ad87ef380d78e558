import { ObservabilitySchema1795400000003 } from './1795400000003-observability-schema';

/** Migrations of the observability role, oldest first. */
export const observabilityMigrations = [ObservabilitySchema1795400000003];
