import { MetricsSchema1795400000001 } from './1795400000001-metrics-schema';

/** Migrations of the metrics role, oldest first. */
export const metricsMigrations = [MetricsSchema1795400000001];
