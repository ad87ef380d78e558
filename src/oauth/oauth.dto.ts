import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDate,
  IsEmail,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { DATE_TIME_RULE, isoDateTime } from '../common/dto-transforms';

const URL_RULE = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

export class RegisterClientDto {
  @ApiProperty({ example: 'https://auth.example.com', description: 'The upstream authorization server' })
  @IsUrl(URL_RULE)
  @MaxLength(767)
  issuer: string;

  @ApiProperty()
  @IsString()
  @Length(1, 255)
  client_id: string;

  @ApiPropertyOptional({ description: 'Sealed at rest, never returned' })
  @IsOptional()
  @IsString()
  @Length(1, 4096)
  client_secret?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsUrl(URL_RULE, { each: true })
  @MaxLength(767, { each: true })
  redirect_uris?: string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The rest of the registration response' })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'client_secret_expires_at' })
  @IsOptional()
  @Transform(isoDateTime)
  @IsDate({ message: `expires_at ${DATE_TIME_RULE}` })
  expires_at?: Date;
}

export class CreateStateDto {
  @ApiProperty({ example: 'dev@example.com', description: 'The user the flow runs for' })
  @IsEmail()
  @MaxLength(255)
  user_email: string;

  @ApiProperty({ description: 'PKCE code verifier (RFC 7636: 43-128 characters); sealed at rest' })
  @Matches(/^[A-Za-z0-9._~-]{43,128}$/, { message: 'code_verifier must be 43-128 characters of A-Z a-z 0-9 - . _ ~' })
  code_verifier: string;

  @ApiPropertyOptional({ minimum: 30, maximum: 3600, default: 600 })
  @IsOptional()
  @IsInt()
  @Min(30)
  @Max(3600)
  ttl_seconds?: number;
}

export class ConsumeStateDto {
  @ApiProperty()
  @IsString()
  @Length(1, 500)
  state: string;

  @ApiProperty({ example: 'dev@example.com' })
  @IsEmail()
  @MaxLength(255)
  user_email: string;
}

export class StoreTokenDto {
  @ApiProperty({ description: 'Sealed at rest' })
  @IsString()
  @Length(1, 16_384)
  access_token: string;

  @ApiPropertyOptional({ description: 'Sealed at rest' })
  @IsOptional()
  @IsString()
  @Length(1, 16_384)
  refresh_token?: string;

  @ApiPropertyOptional({ default: 'Bearer' })
  @IsOptional()
  @Matches(/^[A-Za-z][A-Za-z0-9_-]{0,49}$/, { message: 'token_type must be a word such as Bearer' })
  token_type?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional()
  @Transform(isoDateTime)
  @IsDate({ message: `expires_at ${DATE_TIME_RULE}` })
  expires_at?: Date;

  @ApiPropertyOptional({ type: [String], example: ['read', 'write'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(/^[\x21\x23-\x5b\x5d-\x7e]{1,255}$/, { each: true, message: 'scopes must be OAuth scope tokens' })
  scopes?: string[];
}
