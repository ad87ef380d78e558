import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { IdentityModule } from '../identity/identity.module';
import { SsoAccounts } from './sso-accounts';
import { SsoLoginService } from './sso-login.service';
import { SsoProvidersService } from './sso-providers.service';
import { SsoLoginController, SsoProvidersController } from './sso.controller';

/** SSO: OIDC providers and the login that ends in a fourfold token. */
@Module({
  imports: [AuthModule, IdentityModule],
  controllers: [SsoProvidersController, SsoLoginController],
  providers: [SsoProvidersService, SsoLoginService, SsoAccounts],
})
export class SsoModule {}
