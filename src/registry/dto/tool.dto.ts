import { ApiProperty, ApiPropertyOptional, IntersectionType, OmitType, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, IsUrl, IsUUID, Length, Max, MaxLength, Min } from 'class-validator';
import { NAME_MAX, RegistryReadDto, RegistryWriteDto, URL_MAX, VersionDto } from './common.dto';

export class CreateToolDto extends RegistryWriteDto {
  @ApiProperty({ maxLength: NAME_MAX, example: 'get_weather' })
  @IsString()
  @Length(1, NAME_MAX)
  name: string;

  @ApiPropertyOptional({ maxLength: NAME_MAX, description: 'Defaults to name' })
  @IsOptional()
  @IsString()
  @Length(1, NAME_MAX)
  original_name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100_000)
  description?: string | null;

  @ApiPropertyOptional({ maxLength: URL_MAX, example: 'https://api.example.com/weather' })
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true })
  @MaxLength(URL_MAX)
  url?: string | null;

  @ApiPropertyOptional({ enum: ['MCP', 'REST'], default: 'MCP' })
  @IsOptional()
  @IsIn(['MCP', 'REST'])
  integration_type?: string;

  @ApiPropertyOptional({ enum: ['SSE', 'STDIO', 'STREAMABLEHTTP', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE'], default: 'SSE' })
  @IsOptional()
  @IsIn(['SSE', 'STDIO', 'STREAMABLEHTTP', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE'])
  request_type?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  input_schema?: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true })
  @IsOptional()
  @IsObject()
  output_schema?: Record<string, unknown> | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  annotations?: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, nullable: true })
  @IsOptional()
  @IsObject()
  headers?: Record<string, string> | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  reachable?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  deprecated?: boolean;

  @ApiPropertyOptional({ enum: ['basic', 'bearer', 'headers', 'oauth'], nullable: true })
  @IsOptional()
  @IsIn(['basic', 'bearer', 'headers', 'oauth'])
  auth_type?: string | null;

  @ApiPropertyOptional({ writeOnly: true, description: 'Secret: accepted, never returned' })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  auth_value?: string | null;

  @ApiPropertyOptional({ minimum: 1, maximum: 3_600_000, nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3_600_000)
  timeout_ms?: number | null;

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  @IsOptional()
  @IsUUID()
  gateway_id?: string | null;
}

export class UpdateToolDto extends IntersectionType(PartialType(CreateToolDto), VersionDto) {}

export class ToolDto extends IntersectionType(OmitType(CreateToolDto, ['auth_value'] as const), RegistryReadDto) {
  @ApiProperty({ description: 'Whether an auth_value is stored (the value itself is never returned)' })
  auth_value_set: boolean;
}
