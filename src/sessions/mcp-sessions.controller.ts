import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, CurrentRequest, RequirePermission } from '../auth/decorators';
import { PERMISSIONS } from '../auth/permissions';
import { Principal, RequestMeta } from '../auth/principal';
import { McpSessionsService, MessagePage } from './mcp-sessions.service';
import { ResourceSubscriptionsService, SubscriberPage } from './resource-subscriptions.service';
import {
  AppendedDto,
  AppendMessagesDto,
  CreateSessionDto,
  ReadMessagesQueryDto,
  SessionDto,
  SessionIdPipe,
  SubscribeDto,
  SubscribersQueryDto,
  UnsubscribeQueryDto,
} from './sessions.dto';

const SessionParam = () => ApiParam({ name: 'sessionId', type: String, description: 'Mcp-Session-Id: 1-255 visible ASCII characters' });
const sessionId = () => Param('sessionId', new SessionIdPipe());

/** MCP sessions, their messages and resource subscriptions, for the gateway's workers (gateway.worker). */
@ApiTags('mcp-sessions')
@ApiResponse({ status: 400, description: 'Invalid input: `{ statusCode, message, errors: [{ field, reason }] }`' })
@Controller('api/v1/mcp')
export class McpSessionsController {
  constructor(
    private readonly sessions: McpSessionsService,
    private readonly subscriptions: ResourceSubscriptionsService,
  ) {}

  @Post('sessions')
  @RequirePermission(PERMISSIONS.gatewayWorker)
  @ApiOperation({ summary: 'Open a session (audited)' })
  @ApiResponse({ status: 201, type: SessionDto })
  @ApiResponse({ status: 409, description: 'A session with this id exists' })
  create(
    @Body() dto: CreateSessionDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ): Promise<SessionDto> {
    return this.sessions.create(principal, meta, dto);
  }

  @Get('sessions/:sessionId')
  @RequirePermission(PERMISSIONS.gatewayWorker)
  @ApiOperation({ summary: 'Read a session (404 when unknown, closed or idle past MCP_SESSION_TTL_SECONDS)' })
  @ApiResponse({ status: 200, type: SessionDto })
  @SessionParam()
  get(@sessionId() id: string): Promise<SessionDto> {
    return this.sessions.get(id);
  }

  @Post('sessions/:sessionId/touch')
  @HttpCode(204)
  @RequirePermission(PERMISSIONS.gatewayWorker)
  @ApiOperation({ summary: 'Mark the session used now' })
  @SessionParam()
  touch(@sessionId() id: string): Promise<void> {
    return this.sessions.touch(id);
  }

  @Delete('sessions/:sessionId')
  @HttpCode(204)
  @RequirePermission(PERMISSIONS.gatewayWorker)
  @ApiOperation({ summary: 'Close a session: its subscriptions go now, its messages with the next purge (audited)' })
  @SessionParam()
  close(@sessionId() id: string, @CurrentPrincipal() principal: Principal, @CurrentRequest() meta: RequestMeta): Promise<void> {
    return this.sessions.close(principal, meta, id);
  }

  @Post('sessions/:sessionId/messages')
  @RequirePermission(PERMISSIONS.gatewayWorker)
  @ApiOperation({ summary: 'Append messages; each gets the next event id of the session' })
  @ApiResponse({ status: 201, type: AppendedDto })
  @SessionParam()
  append(@sessionId() id: string, @Body() dto: AppendMessagesDto): Promise<AppendedDto> {
    return this.sessions.append(id, dto.messages);
  }

  @Get('sessions/:sessionId/messages')
  @RequirePermission(PERMISSIONS.gatewayWorker)
  @ApiOperation({ summary: 'Messages after an event id (Last-Event-ID resumption), in order' })
  @SessionParam()
  read(@sessionId() id: string, @Query() query: ReadMessagesQueryDto): Promise<MessagePage> {
    return this.sessions.read(id, Number(query.after ?? 0), query.limit ?? 100);
  }

  @Put('sessions/:sessionId/subscriptions')
  @HttpCode(204)
  @RequirePermission(PERMISSIONS.gatewayWorker)
  @ApiOperation({ summary: 'Subscribe the session to a resource URI (idempotent)' })
  @SessionParam()
  subscribe(@sessionId() id: string, @Body() dto: SubscribeDto): Promise<void> {
    return this.subscriptions.subscribe(id, dto.uri, dto.resource_id ?? null);
  }

  @Delete('sessions/:sessionId/subscriptions')
  @HttpCode(204)
  @RequirePermission(PERMISSIONS.gatewayWorker)
  @ApiOperation({ summary: 'Unsubscribe the session from a resource URI (404 when not subscribed)' })
  @SessionParam()
  unsubscribe(@sessionId() id: string, @Query() query: UnsubscribeQueryDto): Promise<void> {
    return this.subscriptions.unsubscribe(id, query.uri);
  }

  @Get('subscriptions')
  @RequirePermission(PERMISSIONS.gatewayWorker)
  @ApiOperation({ summary: "A URI's live subscribers, to fan an update out (marks them notified)" })
  subscribers(@Query() query: SubscribersQueryDto): Promise<SubscriberPage> {
    return this.subscriptions.subscribers(query);
  }
}
