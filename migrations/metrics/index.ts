import { MetricsSchema1795400000001 } from './1795400000001-metrics-schema';
import { MetricsRollupSketches1795411000001 } from './1795411000001-metrics-rollup-sketches';
import { MetricsSortedArray1795630000000 } from './1795630000000-metrics-sorted-array';
import { MetricsErrorType1796100000000 } from './1796100000000-metrics-error-type';
import { MetricsSketchFunctions1796200000000 } from './1796200000000-metrics-sketch-functions';
import { MetricsWeeklyRollups1796510000000 } from './1796510000000-metrics-weekly-rollups';

/** Migrations of the metrics role, oldest first. */
export const metricsMigrations = [
  MetricsSchema1795400000001,
  MetricsRollupSketches1795411000001,
  MetricsSortedArray1795630000000,
  MetricsErrorType1796100000000,
  MetricsSketchFunctions1796200000000,
  MetricsWeeklyRollups1796510000000,
];
