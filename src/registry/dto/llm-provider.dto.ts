import { ApiProperty, ApiPropertyOptional, IntersectionType, OmitType, PartialType } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, IsUrl, Length, Matches, MaxLength } from 'class-validator';
import { NAME_MAX, RegistryReadDto, RegistryWriteDto, VersionDto } from './common.dto';
import { SLUG, SLUG_RULE } from './gateway.dto';

export class CreateLlmProviderDto extends RegistryWriteDto {
  @ApiProperty({ maxLength: NAME_MAX })
  @IsString()
  @Length(1, NAME_MAX)
  name: string;

  @ApiProperty({ maxLength: NAME_MAX, description: 'Unique' })
  @Matches(SLUG, { message: SLUG_RULE })
  slug: string;

  @ApiProperty({ maxLength: 50, example: 'openai' })
  @IsString()
  @Length(1, 50)
  provider_type: string;

  @ApiPropertyOptional({ maxLength: 512 })
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true })
  @MaxLength(512)
  api_base?: string | null;

  @ApiPropertyOptional({ writeOnly: true, description: 'Secret: accepted, never returned' })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  api_key?: string | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  config?: Record<string, unknown>;

  @ApiPropertyOptional({ maxLength: NAME_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(NAME_MAX)
  default_model?: string | null;
}

export class UpdateLlmProviderDto extends IntersectionType(PartialType(CreateLlmProviderDto), VersionDto) {}

export class LlmProviderDto extends IntersectionType(OmitType(CreateLlmProviderDto, ['api_key'] as const), RegistryReadDto) {
  @ApiProperty({ description: 'Whether an api_key is stored (the key itself is never returned)' })
  api_key_set: boolean;
  @ApiProperty()
  health_status: string;
}
