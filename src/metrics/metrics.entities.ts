import { A2aAgentMetricHourly } from './entities/a2a-agent-metric-hourly.entity';
import { A2aAgentMetric } from './entities/a2a-agent-metric.entity';
import { PerformanceAggregate } from './entities/performance-aggregate.entity';
import { PerformanceMetric } from './entities/performance-metric.entity';
import { PerformanceSnapshot } from './entities/performance-snapshot.entity';
import { PromptMetricHourly } from './entities/prompt-metric-hourly.entity';
import { PromptMetric } from './entities/prompt-metric.entity';
import { ResourceMetricHourly } from './entities/resource-metric-hourly.entity';
import { ResourceMetric } from './entities/resource-metric.entity';
import { ServerMetricHourly } from './entities/server-metric-hourly.entity';
import { ServerMetric } from './entities/server-metric.entity';
import { TokenUsageLog } from './entities/token-usage-log.entity';
import { ToolMetricHourly } from './entities/tool-metric-hourly.entity';
import { ToolMetric } from './entities/tool-metric.entity';

export {
  A2aAgentMetric,
  A2aAgentMetricHourly,
  PerformanceAggregate,
  PerformanceMetric,
  PerformanceSnapshot,
  PromptMetric,
  PromptMetricHourly,
  ResourceMetric,
  ResourceMetricHourly,
  ServerMetric,
  ServerMetricHourly,
  TokenUsageLog,
  ToolMetric,
  ToolMetricHourly,
};

/** The 14 tables of the metrics role. */
export const METRICS_ENTITIES = [
  ToolMetric,
  ServerMetric,
  ResourceMetric,
  PromptMetric,
  A2aAgentMetric,
  ToolMetricHourly,
  ServerMetricHourly,
  ResourceMetricHourly,
  PromptMetricHourly,
  A2aAgentMetricHourly,
  PerformanceMetric,
  PerformanceSnapshot,
  PerformanceAggregate,
  TokenUsageLog,
];
