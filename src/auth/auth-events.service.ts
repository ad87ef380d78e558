import { Injectable } from '@nestjs/common';
import { uuidv7 } from '../common/ids';
import { CORE_DB } from '../database/roles';
import { RowWriter } from '../writer/row-writer';
import { RequestMeta } from './principal';

/** Writes `email_auth_events` (core) through the buffered writer: one row per authentication attempt. */
@Injectable()
export class AuthEventsService {
  constructor(private readonly writer: RowWriter) {}

  record(meta: RequestMeta, outcome: { success: boolean; email?: string | null; jti?: string; failureReason?: string }): void {
    this.writer.enqueue(CORE_DB, 'email_auth_events', [
      {
        id: uuidv7(),
        timestamp: new Date(),
        user_email: outcome.email ?? null,
        event_type: 'api_token',
        success: outcome.success,
        ip_address: meta.clientIp,
        failure_reason: outcome.failureReason ?? null,
        details: { request_id: meta.requestId, path: meta.path, method: meta.method, ...(outcome.jti ? { token_jti: outcome.jti } : {}) },
      },
    ]);
  }
}
