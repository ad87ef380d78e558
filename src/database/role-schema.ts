import { MigrationInterface } from 'typeorm';
import { coreMigrations } from '../../migrations/core';
import { logsMigrations } from '../../migrations/logs';
import { metricsMigrations } from '../../migrations/metrics';
import { observabilityMigrations } from '../../migrations/observability';
import { CORE_ENTITIES } from '../core/core.entities';
import { LOGS_ENTITIES } from '../logs/logs.entities';
import { METRICS_ENTITIES } from '../metrics/metrics.entities';
import { OBSERVABILITY_ENTITIES } from '../observability/observability.entities';
import { Role } from './roles';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const ROLE_ENTITIES: Record<Role, Function[]> = {
  core: CORE_ENTITIES,
  metrics: METRICS_ENTITIES,
  logs: LOGS_ENTITIES,
  observability: OBSERVABILITY_ENTITIES,
};

export type MigrationClass = new () => MigrationInterface;

export const ROLE_MIGRATIONS: Record<Role, MigrationClass[]> = {
  core: coreMigrations,
  metrics: metricsMigrations,
  logs: logsMigrations,
  observability: observabilityMigrations,
};

/** The one migration history table each database holds, whatever roles it hosts. */
export const MIGRATIONS_TABLE = 'fourfold_migrations';
