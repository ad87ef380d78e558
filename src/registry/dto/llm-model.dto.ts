import { ApiProperty, ApiPropertyOptional, IntersectionType, OmitType, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, IsUUID, Length, Max, MaxLength, Min } from 'class-validator';
import { NAME_MAX, RegistryReadDto, RegistryWriteDto, VersionDto } from './common.dto';

export class CreateLlmModelDto extends RegistryWriteDto {
  @ApiProperty({ format: 'uuid', description: 'The llm-provider offering the model' })
  @IsUUID()
  provider_id: string;

  @ApiProperty({ maxLength: NAME_MAX, example: 'gpt-4o', description: 'Unique per provider' })
  @IsString()
  @Length(1, NAME_MAX)
  model_id: string;

  @ApiProperty({ maxLength: NAME_MAX })
  @IsString()
  @Length(1, NAME_MAX)
  model_name: string;

  @ApiPropertyOptional({ maxLength: NAME_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(NAME_MAX)
  model_alias?: string | null;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  supports_chat?: boolean;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  supports_streaming?: boolean;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  supports_function_calling?: boolean;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  supports_vision?: boolean;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  context_window?: number | null;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  max_output_tokens?: number | null;
}

/** The provider of a model is fixed at creation. */
export class UpdateLlmModelDto extends IntersectionType(PartialType(OmitType(CreateLlmModelDto, ['provider_id'] as const)), VersionDto) {}

export class LlmModelDto extends IntersectionType(CreateLlmModelDto, RegistryReadDto) {}
