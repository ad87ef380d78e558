import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AuthSettings, InjectSettings } from '../config/settings';
import { AuditService } from '../logs/audit.service';
import { ADMIN_ROLE } from './permissions';
import { TokenStore } from './token-store';

/**
 * At start: seeds the system roles; on a database with no users, creates the admin from
 * ADMIN_EMAIL with one token (ADMIN_TOKEN, or a generated one printed once to stdout).
 * Concurrent replicas serialize on an advisory lock; only the first finds no users.
 */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');

  constructor(
    private readonly tokens: TokenStore,
    private readonly audit: AuditService,
    @InjectSettings('auth') private readonly settings: AuthSettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.tokens.seedRoles();
    const issued = await this.tokens.firstAdmin({
      email: this.settings.adminEmail,
      role: ADMIN_ROLE,
      grantedBy: 'bootstrap',
      name: 'bootstrap admin token',
      token: this.settings.adminToken,
    });
    if (!issued) return;
    const actor = { principal: null, meta: null, fallbackId: 'bootstrap' };
    await this.audit.record(actor, {
      action: 'create',
      resourceType: 'api_token',
      resourceId: issued.jti,
      resourceName: issued.email,
      newValues: { jti: issued.jti, user_email: issued.email, role: issued.role, expires_at: null, token_hash: 'set' },
    });
    if (this.settings.adminToken) {
      this.logger.log(`created admin ${issued.email} with the token from ADMIN_TOKEN`);
    } else {
      // Shown once, on stdout only, never through the logger (which also feeds the logs database).
      process.stdout.write(`\nfourfold: created admin ${issued.email}. Admin token (shown once, store it now):\n\n  ${issued.token}\n\n`);
    }
  }
}
