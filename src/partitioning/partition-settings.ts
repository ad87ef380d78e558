import { Env } from '../config/configuration';
import { PartitionPeriod } from './partition-plan';
import { PartitionGroup } from './partitioned-tables';

export interface GroupPolicy {
  period: PartitionPeriod;
  retentionDays: number;
}

/** Partition maintenance settings, taken once from the validated configuration. */
export interface PartitionSettings {
  enabled: boolean;
  intervalSeconds: number;
  /** Periods kept ready after the current one. */
  premake: number;
  /** How long a maintenance statement waits for a lock before it gives way to traffic. */
  lockTimeoutMs: number;
  groups: Record<PartitionGroup, GroupPolicy>;
}

export function partitionSettingsFromEnv(env: Env): PartitionSettings {
  return {
    enabled: env.PARTITION_MAINTENANCE_ENABLED,
    intervalSeconds: env.PARTITION_MAINTENANCE_INTERVAL_SECONDS,
    premake: env.PARTITION_PREMAKE,
    lockTimeoutMs: env.PARTITION_LOCK_TIMEOUT_MS,
    groups: {
      metrics: { period: env.METRICS_PARTITION_PERIOD, retentionDays: env.METRICS_RETENTION_DAYS },
      logs: { period: env.LOGS_PARTITION_PERIOD, retentionDays: env.LOGS_RETENTION_DAYS },
      audit: { period: env.AUDIT_PARTITION_PERIOD, retentionDays: env.AUDIT_RETENTION_DAYS },
    },
  };
}
