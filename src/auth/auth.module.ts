import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AdminBootstrapService } from './admin-bootstrap.service';
import { AuthGuard } from './auth.guard';
import { AuthAdminController } from './auth-admin.controller';
import { AuthAdminService } from './auth-admin.service';
import { AuthEventsService } from './auth-events.service';
import { Authenticator } from './authenticator';
import { TokenStore } from './token-store';

/** Bearer-token authentication and role permissions for every route (a global guard). */
@Module({
  controllers: [AuthAdminController],
  providers: [
    TokenStore,
    Authenticator,
    AuthAdminService,
    AuthEventsService,
    AdminBootstrapService,
    AuthGuard,
    { provide: APP_GUARD, useExisting: AuthGuard },
  ],
  exports: [TokenStore, Authenticator, AuthGuard],
})
export class AuthModule {}
