import { Module } from '@nestjs/common';
import { UpstreamOauthController } from './upstream-oauth.controller';
import { UpstreamOauthService } from './upstream-oauth.service';

/** OAuth credentials the gateway uses towards upstream MCP servers. */
@Module({ controllers: [UpstreamOauthController], providers: [UpstreamOauthService] })
export class OauthModule {}
