import { PipeTransform } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEmail,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { decimalInt } from '../common/dto-transforms';
import { badField } from '../common/field-errors';

/** MCP: a session id holds only visible ASCII characters (0x21 to 0x7E). */
const SESSION_ID = /^[\x21-\x7e]{1,255}$/;
const SESSION_ID_RULE = 'session_id must be 1-255 visible ASCII characters';
/** An event id: a decimal count from 0, within a bigint. */
const EVENT_ID = /^(0|[1-9]\d{0,17})$/;
export const MAX_APPEND = 1000;

export class CreateSessionDto {
  @ApiPropertyOptional({ description: 'The Mcp-Session-Id the gateway chose; generated when omitted', example: 'c0ffee-1' })
  @IsOptional()
  @Matches(SESSION_ID, { message: SESSION_ID_RULE })
  session_id?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The virtual server the session talks to' })
  @IsOptional()
  @IsUUID()
  server_id?: string;

  @ApiPropertyOptional({ example: 'dev@example.com' })
  @IsOptional()
  @IsEmail()
  @MaxLength(255)
  user_email?: string;

  @ApiPropertyOptional({ example: '2025-06-18' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,50}$/, { message: 'protocol_version must be 1-50 letters, digits and . _ -' })
  protocol_version?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { name: 'claude-code', version: '1.0' } })
  @IsOptional()
  @IsObject()
  client_info?: Record<string, unknown>;
}

export class SessionDto {
  @ApiProperty()
  session_id: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' })
  server_id: string | null;
  @ApiProperty({ nullable: true, type: String })
  user_email: string | null;
  @ApiProperty({ nullable: true, type: String })
  protocol_version: string | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true })
  client_info: Record<string, unknown> | null;
  @ApiProperty({ description: 'Event id of the last message appended (0: none yet)' })
  last_event_id: number;
  @ApiProperty({ format: 'date-time' })
  created_at: string;
  @ApiProperty({ format: 'date-time' })
  last_accessed: string;
}

export class AppendMessagesDto {
  @ApiProperty({ type: [String], description: `1-${MAX_APPEND} messages (serialized JSON-RPC), numbered in this order` })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_APPEND)
  @IsString({ each: true })
  messages: string[];
}

export class AppendedDto {
  @ApiProperty({ type: [Number], description: 'The event id of each message, in order: consecutive' })
  event_ids: number[];
}

export class ReadMessagesQueryDto {
  @ApiPropertyOptional({ description: 'Last-Event-ID: messages after this event id (default 0: from the first)', example: '41' })
  @IsOptional()
  @Matches(EVENT_ID, { message: 'after must be an event id (a whole number)' })
  after?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Transform(decimalInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class SubscribeDto {
  @ApiProperty({ example: 'file:///project/README.md' })
  @IsString()
  @Length(1, 767)
  uri: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The registry resource behind the URI, when there is one' })
  @IsOptional()
  @IsUUID()
  resource_id?: string;
}

export class UnsubscribeQueryDto {
  @ApiProperty({ example: 'file:///project/README.md' })
  @IsString()
  @Length(1, 767)
  uri: string;
}

export class SubscribersQueryDto {
  @ApiProperty({ description: 'The resource URI whose subscribers to list' })
  @IsString()
  @Length(1, 767)
  uri: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Transform(decimalInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'next_cursor of the previous page' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: 'cursor must be a next_cursor value returned by a previous page' })
  cursor?: string;
}

/** A session id path parameter: 400 naming the field unless visible ASCII of 1-255 characters. */
export class SessionIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!SESSION_ID.test(value)) throw badField('session_id', SESSION_ID_RULE);
    return value;
  }
}
