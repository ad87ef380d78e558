import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AdminBootstrapService } from './admin-bootstrap.service';
import { AuthGuard } from './auth.guard';
import { AuthAdminController } from './auth-admin.controller';
import { AuthEventsService } from './auth-events.service';
import { TokenService } from './token.service';

/** Bearer-token authentication and role permissions for every route (a global guard). */
@Module({
  controllers: [AuthAdminController],
  providers: [TokenService, AuthEventsService, AdminBootstrapService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [TokenService],
})
export class AuthModule {}
