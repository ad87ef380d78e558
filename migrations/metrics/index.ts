import { MetricsSchema1795400000001 } from './1795400000001-metrics-schema';
import { MetricsRollupSketches1795411000001 } from './1795411000001-metrics-rollup-sketches';
import { MetricsSortedArray1795630000000 } from './1795630000000-metrics-sorted-array';
import { MetricsErrorType1796100000000 } from './1796100000000-metrics-error-type';

/** Migrations of the metrics role, oldest first. */
export const metricsMigrations = [
  MetricsSchema1795400000001,
  MetricsRollupSketches1795411000001,
  MetricsSortedArray1795630000000,
  MetricsErrorType1796100000000,
];
