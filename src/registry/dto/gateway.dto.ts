import { ApiProperty, ApiPropertyOptional, IntersectionType, OmitType, PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { NAME_MAX, RegistryReadDto, RegistryWriteDto, URL_MAX, VersionDto } from './common.dto';

export const SLUG = /^[a-z0-9][a-z0-9-]{0,254}$/;
export const SLUG_RULE = 'slug must be lowercase letters, digits and dashes';

export class CreateGatewayDto extends RegistryWriteDto {
  @ApiProperty({ maxLength: NAME_MAX })
  @IsString()
  @Length(1, NAME_MAX)
  name: string;

  @ApiProperty({ maxLength: NAME_MAX, description: 'Unique' })
  @Matches(SLUG, { message: SLUG_RULE })
  slug: string;

  @ApiProperty({ maxLength: URL_MAX })
  @IsUrl({ require_tld: false, require_protocol: true })
  @MaxLength(URL_MAX)
  url: string;

  @ApiPropertyOptional({ enum: ['SSE', 'STREAMABLEHTTP', 'STDIO'], default: 'SSE' })
  @IsOptional()
  @IsIn(['SSE', 'STREAMABLEHTTP', 'STDIO'])
  transport?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  capabilities?: Record<string, unknown>;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  reachable?: boolean;

  @ApiPropertyOptional({ enum: ['basic', 'bearer', 'headers', 'oauth'], nullable: true })
  @IsOptional()
  @IsIn(['basic', 'bearer', 'headers', 'oauth'])
  auth_type?: string | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, writeOnly: true, description: 'Secret: accepted, never returned' })
  @IsOptional()
  @IsObject()
  auth_value?: Record<string, unknown> | null;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  passthrough_headers?: string[] | null;

  @ApiPropertyOptional({ minimum: 10, maximum: 86_400 })
  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(86_400)
  refresh_interval_seconds?: number | null;
}

export class UpdateGatewayDto extends IntersectionType(PartialType(CreateGatewayDto), VersionDto) {}

export class GatewayDto extends IntersectionType(OmitType(CreateGatewayDto, ['auth_value'] as const), RegistryReadDto) {
  @ApiProperty({ description: 'Whether an auth_value is stored (the value itself is never returned)' })
  auth_value_set: boolean;
  @ApiProperty()
  status: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  last_seen: string | null;
}
