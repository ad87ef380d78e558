import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { decimalInt } from '../../common/dto-transforms';
import { CURSOR_RULE } from '../../common/cursor';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

export const VISIBILITIES = ['private', 'team', 'public'] as const;
/** `version` is an integer column. */
const MAX_VERSION = 2_147_483_647;
const TAG = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;
export const TAG_RULE = 'tags are 1-64 letters, digits and . _ : / - (starting with a letter or digit)';

/** Fields every registry entity accepts on create (and, optional, on update). */
export class RegistryWriteDto {
  @ApiPropertyOptional({ type: [String], example: ['prod', 'payments'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(TAG, { each: true, message: TAG_RULE })
  tags?: string[];

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    description: 'Owning team; you must be a member (admins excepted). Omitted: personal entity',
  })
  @IsOptional()
  @IsUUID()
  team_id?: string | null;

  @ApiPropertyOptional({ enum: VISIBILITIES, default: 'public', description: 'private: owner only; team: team members; public: everyone' })
  @IsOptional()
  @IsIn(VISIBILITIES)
  visibility?: (typeof VISIBILITIES)[number];

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

/** Updates carry the version they were based on: a stale one answers 409. */
export class VersionDto {
  @ApiProperty({
    minimum: 1,
    maximum: MAX_VERSION,
    description: 'The `version` last read; the update fails with 409 if the entity changed since',
  })
  @IsInt()
  @Min(1)
  @Max(MAX_VERSION)
  version: number;
}

/** Fields every registry entity returns. */
export class RegistryReadDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ type: [String] })
  tags: string[];
  @ApiProperty({ nullable: true, type: String })
  team_id: string | null;
  @ApiProperty({ nullable: true, type: String })
  owner_email: string | null;
  @ApiProperty({ enum: VISIBILITIES })
  visibility: string;
  @ApiProperty()
  enabled: boolean;
  @ApiProperty()
  version: number;
  @ApiProperty({ format: 'date-time' })
  created_at: string;
  @ApiProperty({ format: 'date-time' })
  updated_at: string;
  @ApiProperty({ nullable: true, type: String })
  created_by: string | null;
  @ApiProperty({ nullable: true, type: String })
  modified_by: string | null;
}

const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** `GET /api/v1/<type>`: cursor pagination and filters (all parameterized, never spliced into SQL). */
export class ListQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Transform(decimalInt)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'next_cursor of the previous page' })
  @IsOptional()
  @IsString({ message: `cursor ${CURSOR_RULE}` })
  cursor?: string;

  @ApiPropertyOptional({ description: 'Comma-separated; entities carrying all of them', example: 'prod,payments' })
  @IsOptional()
  @Transform(({ value }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean)
      : value,
  )
  @IsArray({ message: 'tags must be given once, comma-separated' })
  @ArrayMaxSize(20)
  @Matches(TAG, { each: true, message: TAG_RULE })
  tags?: string[];

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  team_id?: string;

  @ApiPropertyOptional({ enum: VISIBILITIES })
  @IsOptional()
  @IsIn(VISIBILITIES)
  visibility?: string;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;
}

export class DeleteQueryDto {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_VERSION,
    description: 'When given, the delete fails with 409 unless the entity is at this version',
  })
  @IsOptional()
  @Transform(decimalInt)
  @IsInt()
  @Min(1)
  @Max(MAX_VERSION)
  version?: number;
}

export const URL_MAX = 767;
export const NAME_MAX = 255;
export { MaxLength };
