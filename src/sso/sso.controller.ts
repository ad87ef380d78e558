import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Redirect } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, CurrentRequest, RequirePermission } from '../auth/decorators';
import { PERMISSIONS } from '../auth/permissions';
import { Principal, RequestMeta } from '../auth/principal';
import { ApiUuidParam, uuidParam } from '../common/field-errors';
import { SsoLoginResult } from './sso-accounts';
import { SsoLoginService } from './sso-login.service';
import { SsoProvidersService } from './sso-providers.service';
import { CallbackQueryDto, CreateSsoProviderDto, LoginQueryDto, ProviderSlugPipe, UpdateSsoProviderDto } from './sso.dto';

/** SSO providers: admin configuration (every change audited, the client secret never returned). */
@ApiTags('sso')
@Controller('api/v1/sso/providers')
export class SsoProvidersController {
  constructor(private readonly providers: SsoProvidersService) {}

  @Get()
  @RequirePermission(PERMISSIONS.all)
  @ApiOperation({ summary: 'SSO providers (admins)' })
  list() {
    return this.providers.list();
  }

  @Get(':id')
  @RequirePermission(PERMISSIONS.all)
  @ApiUuidParam('id')
  get(@Param('id', uuidParam('id')) id: string) {
    return this.providers.get(id);
  }

  @Post()
  @RequirePermission(PERMISSIONS.all)
  @ApiOperation({ summary: 'Add an OIDC provider (client secret sealed; audited)' })
  create(@Body() dto: CreateSsoProviderDto, @CurrentPrincipal() p: Principal, @CurrentRequest() meta: RequestMeta) {
    return this.providers.create(p, meta, dto);
  }

  @Patch(':id')
  @RequirePermission(PERMISSIONS.all)
  @ApiUuidParam('id')
  update(
    @Param('id', uuidParam('id')) id: string,
    @Body() dto: UpdateSsoProviderDto,
    @CurrentPrincipal() p: Principal,
    @CurrentRequest() meta: RequestMeta,
  ) {
    return this.providers.update(p, meta, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission(PERMISSIONS.all)
  @ApiUuidParam('id')
  remove(@Param('id', uuidParam('id')) id: string, @CurrentPrincipal() p: Principal, @CurrentRequest() meta: RequestMeta): Promise<void> {
    return this.providers.remove(p, meta, id);
  }
}

const ProviderParam = () => ApiParam({ name: 'provider', type: String, description: 'The provider slug' });

/** The OIDC login itself: public routes, the browser's. */
@ApiTags('sso')
@Controller('auth/sso/:provider')
export class SsoLoginController {
  constructor(private readonly login: SsoLoginService) {}

  @Get('login')
  @Redirect()
  @ApiOperation({ summary: 'Start a login: redirects to the provider (authorization code with PKCE)' })
  @ApiResponse({ status: 302, description: 'To the provider' })
  @ApiResponse({ status: 404, description: 'No such enabled provider' })
  @ProviderParam()
  async start(@Param('provider', new ProviderSlugPipe()) slug: string, @Query() query: LoginQueryDto) {
    return { url: await this.login.start(slug, query.login_hint), statusCode: 302 };
  }

  @Get('callback')
  @ApiOperation({ summary: "The provider's redirect: finishes the login and answers a fourfold token" })
  @ApiResponse({ status: 400, description: 'Unknown, used or expired state' })
  @ApiResponse({ status: 401, description: 'The provider refused the code (a replayed one, for instance)' })
  @ApiResponse({ status: 403, description: 'Email not verified, domain not admitted, or user awaiting approval' })
  @ProviderParam()
  callback(@Param('provider', new ProviderSlugPipe()) slug: string, @Query() query: CallbackQueryDto): Promise<SsoLoginResult> {
    return this.login.finish(slug, query);
  }
}
