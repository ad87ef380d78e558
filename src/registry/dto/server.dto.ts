import { ApiProperty, ApiPropertyOptional, IntersectionType, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsObject, IsOptional, IsString, IsUrl, Length, MaxLength } from 'class-validator';
import { NAME_MAX, RegistryReadDto, RegistryWriteDto, URL_MAX, VersionDto } from './common.dto';

export class CreateServerDto extends RegistryWriteDto {
  @ApiProperty({ maxLength: NAME_MAX })
  @IsString()
  @Length(1, NAME_MAX)
  name: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100_000)
  description?: string | null;

  @ApiPropertyOptional({ maxLength: URL_MAX })
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true })
  @MaxLength(URL_MAX)
  icon?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  oauth_enabled?: boolean;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true })
  @IsOptional()
  @IsObject()
  oauth_config?: Record<string, unknown> | null;
}

export class UpdateServerDto extends IntersectionType(PartialType(CreateServerDto), VersionDto) {}

export class ServerDto extends IntersectionType(CreateServerDto, RegistryReadDto) {}
