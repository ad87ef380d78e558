import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ParseEmailPipe } from '../auth/auth-admin.dto';
import { CurrentPrincipal, CurrentRequest, RequirePermission } from '../auth/decorators';
import { PERMISSIONS } from '../auth/permissions';
import { Principal, RequestMeta } from '../auth/principal';
import { ApiUuidParam, uuidParam } from '../common/field-errors';
import { ConsumeStateDto, CreateStateDto, RegisterClientDto, StoreTokenDto } from './oauth.dto';
import { UpstreamOauthService } from './upstream-oauth.service';

const gateway = () => Param('id', uuidParam('id'));
const email = () => Param('email', new ParseEmailPipe());

/**
 * `/api/v1/gateways/:id/oauth/…`: OAuth credentials towards an upstream server. gateway.worker
 * registers clients, runs the flow's states and stores and opens tokens; admins list clients
 * and tokens without their secrets.
 */
@ApiTags('oauth')
@ApiResponse({ status: 404, description: 'Unknown gateway, state or token' })
@Controller('api/v1/gateways/:id/oauth')
export class UpstreamOauthController {
  constructor(private readonly oauth: UpstreamOauthService) {}

  @Put('clients')
  @RequirePermission(PERMISSIONS.gatewayWorker)
  @ApiOperation({ summary: 'Record the client registered at an upstream authorization server (one per issuer; secret sealed; audited)' })
  @ApiUuidParam('id')
  registerClient(
    @gateway() id: string,
    @Body() dto: RegisterClientDto,
    @CurrentPrincipal() p: Principal,
    @CurrentRequest() meta: RequestMeta,
  ) {
    return this.oauth.registerClient(p, meta, id, dto);
  }

  @Get('clients')
  @RequirePermission(PERMISSIONS.all)
  @ApiOperation({ summary: 'Registered clients, without their secrets (admins)' })
  @ApiUuidParam('id')
  listClients(@gateway() id: string) {
    return this.oauth.listClients(id);
  }

  @Post('states')
  @RequirePermission(PERMISSIONS.gatewayWorker)
  @ApiOperation({ summary: 'A new authorization state (single use, expiring) for a user, holding the PKCE verifier sealed' })
  @ApiUuidParam('id')
  createState(@gateway() id: string, @Body() dto: CreateStateDto) {
    return this.oauth.createState(id, dto);
  }

  @Post('states/consume')
  @HttpCode(200)
  @RequirePermission(PERMISSIONS.gatewayWorker)
  @ApiOperation({ summary: "Consume a callback's state once (same gateway and user, unexpired): its PKCE verifier" })
  @ApiUuidParam('id')
  consumeState(@gateway() id: string, @Body() dto: ConsumeStateDto) {
    return this.oauth.consumeState(id, dto);
  }

  @Get('tokens')
  @RequirePermission(PERMISSIONS.all)
  @ApiOperation({ summary: 'Tokens of this gateway per user, without their secrets (admins)' })
  @ApiUuidParam('id')
  listTokens(@gateway() id: string) {
    return this.oauth.listTokens(id);
  }

  @Put('tokens/:email')
  @RequirePermission(PERMISSIONS.gatewayWorker)
  @ApiOperation({ summary: "Store a user's tokens for this gateway (sealed; audited)" })
  @ApiUuidParam('id')
  storeToken(
    @gateway() id: string,
    @email() user: string,
    @Body() dto: StoreTokenDto,
    @CurrentPrincipal() p: Principal,
    @CurrentRequest() meta: RequestMeta,
  ) {
    return this.oauth.storeToken(p, meta, id, user, dto);
  }

  @Get('tokens/:email')
  @RequirePermission(PERMISSIONS.gatewayWorker)
  @ApiOperation({ summary: "A user's tokens for this gateway, opened (gateway.worker only)" })
  @ApiUuidParam('id')
  openToken(@gateway() id: string, @email() user: string) {
    return this.oauth.openToken(id, user);
  }

  @Delete('tokens/:email')
  @HttpCode(204)
  @RequirePermission(PERMISSIONS.gatewayWorker)
  @ApiOperation({ summary: "Forget a user's tokens for this gateway (audited)" })
  @ApiUuidParam('id')
  deleteToken(
    @gateway() id: string,
    @email() user: string,
    @CurrentPrincipal() p: Principal,
    @CurrentRequest() meta: RequestMeta,
  ): Promise<void> {
    return this.oauth.deleteToken(p, meta, id, user);
  }
}
