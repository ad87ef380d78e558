import { ApiProperty, ApiPropertyOptional, IntersectionType, PartialType } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, IsUUID, Length, Max, MaxLength, Min } from 'class-validator';
import { NAME_MAX, RegistryReadDto, RegistryWriteDto, URL_MAX, VersionDto } from './common.dto';

export class CreateResourceDto extends RegistryWriteDto {
  @ApiProperty({ maxLength: URL_MAX, example: 'file:///docs/readme.md' })
  @IsString()
  @Length(1, URL_MAX)
  uri: string;

  @ApiProperty({ maxLength: NAME_MAX })
  @IsString()
  @Length(1, NAME_MAX)
  name: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100_000)
  description?: string | null;

  @ApiPropertyOptional({ maxLength: NAME_MAX, example: 'text/markdown' })
  @IsOptional()
  @IsString()
  @MaxLength(NAME_MAX)
  mime_type?: string | null;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
  size?: number | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  uri_template?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  text_content?: string | null;

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  @IsOptional()
  @IsUUID()
  gateway_id?: string | null;
}

export class UpdateResourceDto extends IntersectionType(PartialType(CreateResourceDto), VersionDto) {}

export class ResourceDto extends IntersectionType(CreateResourceDto, RegistryReadDto) {}
