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

const KEYS = [
  'PARTITION_MAINTENANCE_ENABLED',
  'PARTITION_MAINTENANCE_INTERVAL_SECONDS',
  'PARTITION_PREMAKE',
  'PARTITION_LOCK_TIMEOUT_MS',
  'METRICS_PARTITION_PERIOD',
  'LOGS_PARTITION_PERIOD',
  'AUDIT_PARTITION_PERIOD',
  'METRICS_RETENTION_DAYS',
  'LOGS_RETENTION_DAYS',
  'AUDIT_RETENTION_DAYS',
] as const;

export type PartitionEnv = Pick<Env, (typeof KEYS)[number]>;

/** Reads the partition variables through a getter (ConfigService.get, for instance). */
export function partitionEnv(get: <K extends keyof PartitionEnv>(key: K) => PartitionEnv[K]): PartitionEnv {
  return Object.fromEntries(KEYS.map((key) => [key, get(key)])) as unknown as PartitionEnv;
}

export function partitionSettingsFromEnv(env: PartitionEnv): PartitionSettings {
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
