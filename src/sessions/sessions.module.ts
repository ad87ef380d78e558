import { Module } from '@nestjs/common';
import { McpSessionsController } from './mcp-sessions.controller';
import { McpSessionsService } from './mcp-sessions.service';
import { ResourceSubscriptionsService } from './resource-subscriptions.service';

/** MCP sessions, messages and resource subscriptions shared by the gateway's replicas. */
@Module({
  controllers: [McpSessionsController],
  providers: [McpSessionsService, ResourceSubscriptionsService],
})
export class SessionsModule {}
