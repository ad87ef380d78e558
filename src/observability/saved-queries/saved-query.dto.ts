import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsObject, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { MAX_LIMIT } from '../query/trace-filter';

const FILTER_DESCRIPTION =
  'The search parameters of GET /api/v1/traces as a JSON object (service, name, status, min_duration_ms, max_duration_ms, model, ' +
  'min_tokens, "attr.<key>", from, to, lookback, sort, limit); never SQL. A relative `lookback` (e.g. "1h") keeps a saved query current.';

export class CreateSavedQueryDto {
  @ApiProperty({ minLength: 1, maxLength: 255 })
  @IsString()
  @Length(1, 255)
  name: string;

  @ApiPropertyOptional({ maxLength: 2000, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: FILTER_DESCRIPTION,
    example: { service: 'gateway', min_duration_ms: 500, lookback: '1h' },
  })
  @IsObject()
  filter_config: Record<string, unknown>;

  @ApiPropertyOptional({
    default: false,
    description: 'true: listed for, and runnable by, everyone with traces.read; only its owner changes it',
  })
  @IsOptional()
  @IsBoolean()
  is_shared?: boolean;
}

export class UpdateSavedQueryDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 255 })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  name?: string;

  @ApiPropertyOptional({ maxLength: 2000, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: FILTER_DESCRIPTION })
  @IsOptional()
  @IsObject()
  filter_config?: Record<string, unknown>;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  is_shared?: boolean;
}

export class RunSavedQueryDto {
  @ApiPropertyOptional({ description: 'next_cursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_LIMIT, description: "overrides the saved query's limit" })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_LIMIT)
  limit?: number;
}
