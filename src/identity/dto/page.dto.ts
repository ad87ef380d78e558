import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDate, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { DATE_TIME_RULE, decimalInt, isoDateTime } from '../../common/dto-transforms';

const CURSOR_RULE = 'cursor must be a next_cursor value returned by a previous page';

/** `limit` and `cursor` of every identity listing (newest or oldest first, as the route says). */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Transform(decimalInt)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'next_cursor of the previous page' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: CURSOR_RULE })
  cursor?: string;
}

/** A bounded window over a table partitioned by time: [since, until), at most 31 days, a day by default. */
export class WindowQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Default: a day before until' })
  @IsOptional()
  @Transform(isoDateTime)
  @IsDate({ message: `since ${DATE_TIME_RULE}` })
  since?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Default: now' })
  @IsOptional()
  @Transform(isoDateTime)
  @IsDate({ message: `until ${DATE_TIME_RULE}` })
  until?: Date;
}

export const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);
