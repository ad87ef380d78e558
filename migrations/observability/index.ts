import { ObservabilitySchema1795400000003 } from './1795400000003-observability-schema';
import { ObservabilityPartitionedTraces1795500000000 } from './1795500000000-observability-partitioned-traces';
import { ObservabilityTraceSummaryFunctions1795600000000 } from './1795600000000-observability-trace-summary-functions';
import { ObservabilityOtlpMetrics1796060000000 } from './1796060000000-observability-otlp-metrics';
import { ObservabilitySpanFidelity1796070000000 } from './1796070000000-observability-span-fidelity';
import { ObservabilitySpanTextSearch1796100000001 } from './1796100000001-observability-span-text-search';
import { ObservabilitySummaryTriggerInline1796500000000 } from './1796500000000-observability-summary-trigger-inline';

/** Migrations of the observability role, oldest first. */
export const observabilityMigrations = [
  ObservabilitySchema1795400000003,
  ObservabilityPartitionedTraces1795500000000,
  ObservabilityTraceSummaryFunctions1795600000000,
  ObservabilityOtlpMetrics1796060000000,
  ObservabilitySpanFidelity1796070000000,
  ObservabilitySpanTextSearch1796100000001,
  ObservabilitySummaryTriggerInline1796500000000,
];
