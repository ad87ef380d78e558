import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DatabaseSettings, InjectSettings } from '../config/settings';
import { ModuleRef } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DATABASE_TOPOLOGY } from './database.constants';
import { DatabaseTopology, PhysicalDatabase } from './database-topology';
import { migrateDatabase } from './migration-runner';
import { InjectRoleRegistry, RoleRegistry } from './role-definition';

const RETRY_MS = 5000;

/**
 * Brings every database up at start: migrations (when MIGRATIONS_RUN) and connection.
 * Core is required: a failure there stops the boot. Optional databases are created with
 * manual initialization so that one that is down leaves the service degraded instead:
 * this keeps trying in the background until it answers, migrates it, and connects it.
 * (Once connected, the pg pool reconnects by itself after an outage.)
 */
@Injectable()
export class DataSourceConnector implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private readonly migrate: boolean;

  constructor(
    @Inject(DATABASE_TOPOLOGY) private readonly topology: DatabaseTopology,
    @InjectRoleRegistry() private readonly registry: RoleRegistry,
    private readonly moduleRef: ModuleRef,
    @InjectSettings('database') settings: DatabaseSettings,
  ) {
    this.migrate = settings.migrationsRun;
  }

  async onModuleInit(): Promise<void> {
    for (const db of this.topology.databases) {
      this.logger.log(`${db.roles.join(' + ')} → ${db.label}`);
    }
    const [core, ...optional] = this.topology.databases;
    if (this.migrate) await this.runMigrations(core);
    await Promise.all(optional.map((db) => this.connect(db)));
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
  }

  private async runMigrations(db: PhysicalDatabase): Promise<void> {
    const outcome = await migrateDatabase(db, this.registry);
    this.logger.log(outcome.applied.length ? `${db.label}: applied ${outcome.applied.join(', ')}` : `${db.label}: schema up to date`);
  }

  private async connect(db: PhysicalDatabase): Promise<void> {
    const dataSource = this.moduleRef.get<DataSource>(getDataSourceToken(db.name), { strict: false });
    if (dataSource.isInitialized || this.stopped) return;
    try {
      if (this.migrate) await this.runMigrations(db);
      await dataSource.initialize();
      this.logger.log(`connected to ${db.name} database ${db.label}`);
    } catch (error) {
      this.logger.warn(`${db.name} database ${db.label} unavailable (${(error as Error).message}); retrying every ${RETRY_MS / 1000}s`);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.connect(db);
      }, RETRY_MS);
      timer.unref();
      this.timers.add(timer);
    }
  }
}
