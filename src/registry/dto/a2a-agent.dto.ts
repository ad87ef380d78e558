import { ApiProperty, ApiPropertyOptional, IntersectionType, PartialType } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional, IsString, IsUrl, Length, Matches, MaxLength } from 'class-validator';
import { NAME_MAX, RegistryReadDto, RegistryWriteDto, URL_MAX, VersionDto } from './common.dto';
import { SLUG, SLUG_RULE } from './gateway.dto';

export class CreateA2aAgentDto extends RegistryWriteDto {
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
  endpoint_url: string;

  @ApiPropertyOptional({ maxLength: 50, default: 'generic' })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  agent_type?: string;

  @ApiPropertyOptional({ maxLength: 20, default: '1.0' })
  @IsOptional()
  @IsString()
  @Length(1, 20)
  protocol_version?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  capabilities?: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  config?: Record<string, unknown>;

  @ApiPropertyOptional({ enum: ['basic', 'bearer', 'headers', 'oauth'], nullable: true })
  @IsOptional()
  @IsIn(['basic', 'bearer', 'headers', 'oauth'])
  auth_type?: string | null;
}

export class UpdateA2aAgentDto extends IntersectionType(PartialType(CreateA2aAgentDto), VersionDto) {}

export class A2aAgentDto extends IntersectionType(CreateA2aAgentDto, RegistryReadDto) {}
