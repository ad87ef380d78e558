import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import type { ZodTypeAny } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
import { CurrentPrincipal, CurrentRequest, RequirePermission } from '../auth/decorators';
import { PERMISSIONS } from '../auth/permissions';
import { Principal, RequestMeta } from '../auth/principal';
import { GLOBAL_SETTINGS_SCHEMA, SETTINGS_CHANGE_SCHEMA } from './global-settings.schema';
import { GlobalSettingsService, SettingsView } from './global-settings.service';

// Typed loosely: zod-to-json-schema's own zod types recurse too deep for the compiler on these schemas.
const openApi = (schema: ZodTypeAny) => zodToJsonSchema(schema as never, { target: 'openApi3' }) as SchemaObject;

/** Gateway-wide settings: read by the gateway (settings.read), changed by admins (settings.manage). */
@ApiTags('settings')
@Controller('api/v1/settings')
export class GlobalSettingsController {
  constructor(private readonly settings: GlobalSettingsService) {}

  @Get()
  @RequirePermission(PERMISSIONS.settingsRead)
  @ApiOperation({ summary: 'The gateway-wide settings, with their version' })
  @ApiResponse({
    status: 200,
    schema: {
      type: 'object',
      properties: {
        settings: openApi(GLOBAL_SETTINGS_SCHEMA),
        version: { type: 'integer' },
        updated_at: { type: 'string', format: 'date-time', nullable: true },
        updated_by: { type: 'string', nullable: true },
      },
    },
  })
  get(): Promise<SettingsView> {
    return this.settings.current();
  }

  @Patch()
  @RequirePermission(PERMISSIONS.settingsManage)
  @ApiOperation({ summary: 'Change some settings; send the version you read (audited with old and new values)' })
  @ApiBody({ schema: openApi(SETTINGS_CHANGE_SCHEMA) })
  @ApiResponse({ status: 400, description: 'Invalid input: `{ statusCode, message, errors: [{ field, reason }] }`' })
  @ApiResponse({ status: 409, description: 'Stale version' })
  change(
    @Body() body: Record<string, unknown>,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() meta: RequestMeta,
  ): Promise<SettingsView> {
    return this.settings.change(principal, meta, body);
  }
}
