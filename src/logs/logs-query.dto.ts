import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { DATE_TIME_RULE, decimalInt, isoDateTime } from '../common/dto-transforms';
import { LEVEL_NAMES, LEVEL_RULE, STORED_LEVELS, StoredLevel, storedLevel } from '../common/log-levels';
import { IsDate, IsIn, IsInt, IsIP, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';

const IDENT = /^[A-Za-z0-9._:@/-]{1,255}$/;
const IDENT_RULE = 'must be letters, digits and . _ : @ / - (at most 255)';

class TimeRangeDto {
  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional()
  @Transform(isoDateTime)
  @IsDate({ message: `since ${DATE_TIME_RULE}` })
  since?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional()
  @Transform(isoDateTime)
  @IsDate({ message: `until ${DATE_TIME_RULE}` })
  until?: Date;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Transform(decimalInt)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class AuditQueryDto extends TimeRangeDto {
  @ApiPropertyOptional({ example: 'tool' })
  @IsOptional()
  @Matches(IDENT, { message: `resource_type ${IDENT_RULE}` })
  resource_type?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(IDENT, { message: `resource_id ${IDENT_RULE}` })
  resource_id?: string;

  @ApiPropertyOptional({ example: 'dev@example.com' })
  @IsOptional()
  @Matches(IDENT, { message: `user_email ${IDENT_RULE}` })
  user_email?: string;

  @ApiPropertyOptional({ example: 'update' })
  @IsOptional()
  @Matches(IDENT, { message: `action ${IDENT_RULE}` })
  action?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(IDENT, { message: `request_id ${IDENT_RULE}` })
  request_id?: string;
}

export class LogSearchDto extends TimeRangeDto {
  @ApiPropertyOptional({
    enum: LEVEL_NAMES,
    description: `At or above this level. Rows carry ${STORED_LEVELS.join(', ')}; pino's trace, warn and fatal name the same levels`,
  })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? (storedLevel(value) ?? value) : value))
  @IsIn(STORED_LEVELS, { message: `level ${LEVEL_RULE}` })
  level?: StoredLevel;

  @ApiPropertyOptional({ example: 'http' })
  @IsOptional()
  @Matches(IDENT, { message: `component ${IDENT_RULE}` })
  component?: string;

  @ApiPropertyOptional({ description: 'Substring of the message (case-insensitive)' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  text?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(IDENT, { message: `request_id ${IDENT_RULE}` })
  request_id?: string;

  @ApiPropertyOptional({ description: 'W3C trace id (32 hexadecimal characters): the log records of one trace' })
  @IsOptional()
  @Matches(/^[0-9a-fA-F]{32}$/, { message: 'trace_id must be 32 hexadecimal characters' })
  trace_id?: string;
}

export class SecurityEventQueryDto extends TimeRangeDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsIP(undefined, { message: 'client_ip must be an IP address' })
  client_ip?: string;

  @ApiPropertyOptional({ example: 'repeated_authentication_failure' })
  @IsOptional()
  @Matches(IDENT, { message: `event_type ${IDENT_RULE}` })
  event_type?: string;
}
