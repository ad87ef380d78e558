import { Injectable, Logger } from '@nestjs/common';
import { hostname } from 'node:os';
import { uuidv7 } from '../common/ids';
import { RequestMeta } from '../auth/principal';
import { LOGS_DB } from '../database/roles';
import { RowWriter } from '../writer/row-writer';

/**
 * Raises `security_events`, each linked to the `structured_log_entries` row that reports it.
 * The FK (log_entry_id, log_entry_timestamp) needs the entry first: both are written
 * durably, entry then event, so the event can never reach the database before its entry.
 */
@Injectable()
export class SecurityEventsService {
  private readonly logger = new Logger('Security');

  constructor(private readonly writer: RowWriter) {}

  async repeatedAuthFailures(meta: RequestMeta, failures: number, windowSeconds: number, blockSeconds: number): Promise<void> {
    const now = new Date();
    const description = `${failures} authentication failures from ${meta.clientIp} within ${windowSeconds}s; address blocked for ${blockSeconds}s`;
    const entry = {
      id: uuidv7(),
      timestamp: now,
      correlation_id: meta.requestId,
      request_id: meta.requestId,
      level: 'warning',
      component: 'auth',
      message: description,
      logger: 'Security',
      client_ip: meta.clientIp,
      request_path: meta.path,
      request_method: meta.method,
      operation_type: 'authentication',
      is_security_event: true,
      security_severity: 'high',
      context: { failures, window_seconds: windowSeconds, block_seconds: blockSeconds },
      hostname: hostname(),
      process_id: process.pid,
    };
    const event = {
      id: uuidv7(),
      timestamp: now,
      detected_at: now,
      correlation_id: meta.requestId,
      log_entry_id: entry.id,
      log_entry_timestamp: now,
      event_type: 'repeated_authentication_failure',
      severity: 'high',
      category: 'authentication',
      client_ip: meta.clientIp,
      user_agent: meta.userAgent,
      description,
      action_taken: `blocked for ${blockSeconds}s`,
      threat_score: Math.min(1, failures / (failures + 5)),
      threat_indicators: { failed_attempts: failures, window_seconds: windowSeconds },
      failed_attempts_count: failures,
      resolved: false,
      context: { request_path: meta.path },
    };
    try {
      await this.writer.writeDurable(LOGS_DB, 'structured_log_entries', [entry]);
      await this.writer.writeDurable(LOGS_DB, 'security_events', [event]);
    } catch (error) {
      this.logger.error(`security event not stored: ${(error as Error).message}`);
    }
    this.logger.warn(description);
  }
}
