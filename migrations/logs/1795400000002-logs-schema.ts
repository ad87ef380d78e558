import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The 4 tables of the logs role. Self-contained: the only FK is internal
 * (security_events -> structured_log_entries).
 *
 * Partitioned (RANGE on "timestamp", primary key (id, "timestamp"), DEFAULT partition):
 * audit_trails, permission_audit_log, structured_log_entries. Dated partitions are created
 * and retired by the partition maintenance service, not here.
 *
 * security_events links to the log entry that raised it with the composite FK
 * (log_entry_id, log_entry_timestamp) -> structured_log_entries (id, "timestamp"): a FK into
 * a partitioned table must include the partition key. The link is optional and
 * ON DELETE SET NULL: when the log entry goes, the security event stays and loses the link.
 * Detaching a partition does not run that action (PostgreSQL refuses the detach while rows
 * still reference it), so retention clears the link for the partition's time range
 * (UPDATE ... SET log_entry_id = NULL, log_entry_timestamp = NULL) before it detaches.
 */
export class LogsSchema1795400000002 implements MigrationInterface {
  name = 'LogsSchema1795400000002';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "audit_trails" (
      "id" uuid NOT NULL,
      "timestamp" timestamptz NOT NULL,
      "correlation_id" varchar(255) NULL,
      "request_id" varchar(255) NULL,
      "action" varchar(100) NOT NULL,
      "resource_type" varchar(100) NOT NULL,
      "resource_id" varchar(255) NULL,
      "resource_name" varchar(255) NULL,
      "user_id" varchar(255) NOT NULL,
      "user_email" varchar(255) NULL,
      "team_id" varchar(36) NULL,
      "client_ip" varchar(45) NULL,
      "user_agent" text NULL,
      "request_path" text NULL,
      "request_method" varchar(10) NULL,
      "old_values" jsonb NULL,
      "new_values" jsonb NULL,
      "changes" jsonb NULL,
      "data_classification" varchar(50) NULL,
      "requires_review" boolean NOT NULL DEFAULT false,
      "success" boolean NOT NULL DEFAULT true,
      "error_message" text NULL,
      "context" jsonb NULL,
      "auth_method" varchar(50) NULL,
      CONSTRAINT "pk_audit_trails" PRIMARY KEY ("id", "timestamp")
    ) PARTITION BY RANGE ("timestamp")`);
    await queryRunner.query(
      `CREATE INDEX "ix_audit_trails_resource_type_resource_id_timestamp" ON "audit_trails" ("resource_type", "resource_id", "timestamp")`,
    );
    await queryRunner.query(`CREATE INDEX "ix_audit_trails_user_email_timestamp" ON "audit_trails" ("user_email", "timestamp")`);
    await queryRunner.query(`CREATE INDEX "ix_audit_trails_request_id" ON "audit_trails" ("request_id")`);
    await queryRunner.query(`CREATE INDEX "ix_audit_trails_action_timestamp" ON "audit_trails" ("action", "timestamp")`);

    await queryRunner.query(`CREATE TABLE "permission_audit_log" (
      "id" uuid NOT NULL,
      "timestamp" timestamptz NOT NULL,
      "user_email" varchar(255) NOT NULL,
      "permission" varchar(100) NOT NULL,
      "resource_type" varchar(100) NULL,
      "resource_id" varchar(255) NULL,
      "team_id" varchar(36) NULL,
      "granted" boolean NOT NULL,
      "roles_checked" jsonb NULL,
      "ip_address" varchar(45) NULL,
      "user_agent" text NULL,
      CONSTRAINT "pk_permission_audit_log" PRIMARY KEY ("id", "timestamp")
    ) PARTITION BY RANGE ("timestamp")`);
    await queryRunner.query(
      `CREATE INDEX "ix_permission_audit_log_user_email_timestamp" ON "permission_audit_log" ("user_email", "timestamp")`,
    );

    await queryRunner.query(`CREATE TABLE "structured_log_entries" (
      "id" uuid NOT NULL,
      "timestamp" timestamptz NOT NULL,
      "correlation_id" varchar(255) NULL,
      "request_id" varchar(255) NULL,
      "level" varchar(20) NOT NULL,
      "component" varchar(255) NULL,
      "message" text NOT NULL,
      "logger" varchar(255) NULL,
      "user_id" varchar(255) NULL,
      "user_email" varchar(255) NULL,
      "client_ip" varchar(45) NULL,
      "request_path" text NULL,
      "request_method" varchar(10) NULL,
      "duration_ms" double precision NULL,
      "operation_type" varchar(100) NULL,
      "is_security_event" boolean NOT NULL DEFAULT false,
      "security_severity" varchar(20) NULL,
      "context" jsonb NULL,
      "error_details" jsonb NULL,
      "hostname" varchar(255) NULL,
      "process_id" integer NULL,
      "version" varchar(50) NULL,
      "environment" varchar(50) NULL,
      "trace_id" varchar(32) NULL,
      "span_id" varchar(16) NULL,
      CONSTRAINT "pk_structured_log_entries" PRIMARY KEY ("id", "timestamp")
    ) PARTITION BY RANGE ("timestamp")`);
    await queryRunner.query(`CREATE INDEX "ix_structured_log_entries_level_timestamp" ON "structured_log_entries" ("level", "timestamp")`);
    await queryRunner.query(`CREATE INDEX "ix_structured_log_entries_request_id" ON "structured_log_entries" ("request_id")`);
    await queryRunner.query(
      `CREATE INDEX "ix_structured_log_entries_component_timestamp" ON "structured_log_entries" ("component", "timestamp")`,
    );

    for (const table of ['audit_trails', 'permission_audit_log', 'structured_log_entries']) {
      await queryRunner.query(`CREATE TABLE "${table}_default" PARTITION OF "${table}" DEFAULT`);
    }

    await queryRunner.query(`CREATE TABLE "security_events" (
      "id" uuid NOT NULL,
      "timestamp" timestamptz NOT NULL,
      "detected_at" timestamptz NOT NULL DEFAULT now(),
      "correlation_id" varchar(255) NULL,
      "log_entry_id" uuid NULL,
      "log_entry_timestamp" timestamptz NULL,
      "event_type" varchar(100) NOT NULL,
      "severity" varchar(20) NOT NULL,
      "category" varchar(50) NOT NULL,
      "user_email" varchar(255) NULL,
      "client_ip" varchar(45) NULL,
      "user_agent" text NULL,
      "description" text NOT NULL,
      "action_taken" varchar(100) NULL,
      "threat_score" double precision NOT NULL DEFAULT 0,
      "threat_indicators" jsonb NULL,
      "failed_attempts_count" integer NOT NULL DEFAULT 0,
      "resolved" boolean NOT NULL DEFAULT false,
      "resolved_at" timestamptz NULL,
      "resolved_by" varchar(255) NULL,
      "resolution_notes" text NULL,
      "context" jsonb NULL,
      CONSTRAINT "pk_security_events" PRIMARY KEY ("id"),
      CONSTRAINT "ck_security_events_threat_score" CHECK ("threat_score" >= 0 AND "threat_score" <= 1),
      CONSTRAINT "fk_security_events_log_entry" FOREIGN KEY ("log_entry_id", "log_entry_timestamp")
        REFERENCES "structured_log_entries" ("id", "timestamp") ON DELETE SET NULL
    )`);
    await queryRunner.query(`CREATE INDEX "ix_security_events_log_entry" ON "security_events" ("log_entry_id", "log_entry_timestamp")`);
    await queryRunner.query(`CREATE INDEX "ix_security_events_timestamp" ON "security_events" ("timestamp")`);
    await queryRunner.query(`CREATE INDEX "ix_security_events_client_ip_timestamp" ON "security_events" ("client_ip", "timestamp")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // security_events first: it references structured_log_entries. Dropping a partitioned
    // table drops its partitions (default and dated) with it.
    await queryRunner.query(`DROP TABLE IF EXISTS "security_events"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "structured_log_entries"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "permission_audit_log"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "audit_trails"`);
  }
}
