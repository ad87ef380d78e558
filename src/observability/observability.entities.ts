import { ObservabilityEvent } from './entities/observability-event.entity';
import { ObservabilityMetric } from './entities/observability-metric.entity';
import { ObservabilitySavedQuery } from './entities/observability-saved-query.entity';
import { ObservabilitySpan } from './entities/observability-span.entity';
import { ObservabilityTrace } from './entities/observability-trace.entity';

export { ObservabilityEvent, ObservabilityMetric, ObservabilitySavedQuery, ObservabilitySpan, ObservabilityTrace };

/** The 5 tables of the observability role. */
export const OBSERVABILITY_ENTITIES = [
  ObservabilityTrace,
  ObservabilitySpan,
  ObservabilityEvent,
  ObservabilityMetric,
  ObservabilitySavedQuery,
];
