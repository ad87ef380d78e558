import { ApiProperty, ApiPropertyOptional, IntersectionType, PartialType } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import { NAME_MAX, RegistryReadDto, RegistryWriteDto, VersionDto } from './common.dto';

export class CreatePromptDto extends RegistryWriteDto {
  @ApiProperty({ maxLength: NAME_MAX })
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

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  template?: string | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  argument_schema?: Record<string, unknown>;

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  @IsOptional()
  @IsUUID()
  gateway_id?: string | null;
}

export class UpdatePromptDto extends IntersectionType(PartialType(CreatePromptDto), VersionDto) {}

export class PromptDto extends IntersectionType(CreatePromptDto, RegistryReadDto) {}
