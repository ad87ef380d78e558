import { PipeTransform } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUrl, IsUUID, Length, Matches, MaxLength } from 'class-validator';
import { SYSTEM_ROLES } from '../auth/permissions';
import { badField } from '../common/field-errors';

const ROLE_NAMES = SYSTEM_ROLES.map((r) => r.name);
const SLUG = /^[a-z0-9][a-z0-9-]{0,99}$/;
const URL_RULE = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export class CreateSsoProviderDto {
  @ApiProperty({ example: 'company', description: 'In the login URLs: /auth/sso/{slug}/login' })
  @Matches(SLUG, { message: 'slug must be lowercase letters, digits and dashes' })
  slug: string;

  @ApiProperty({ example: 'Company login' })
  @IsString()
  @Length(1, 255)
  display_name: string;

  @ApiProperty({ example: 'https://login.example.com', description: 'OIDC issuer; endpoints come from its discovery document' })
  @IsUrl(URL_RULE)
  @MaxLength(767)
  issuer: string;

  @ApiProperty()
  @IsString()
  @Length(1, 255)
  client_id: string;

  @ApiProperty({ description: 'Sealed at rest, never returned (client_secret_set instead)' })
  @IsString()
  @Length(1, 4096)
  client_secret: string;

  @ApiProperty({
    example: 'https://fourfold.example.com/auth/sso/company/callback',
    description: 'The callback registered at the provider',
  })
  @IsUrl(URL_RULE)
  @MaxLength(767)
  redirect_uri: string;

  @ApiPropertyOptional({ default: 'openid profile email' })
  @IsOptional()
  @Matches(/^openid( [\x21\x23-\x5b\x5d-\x7e]{1,100}){0,20}$/, { message: 'scope must start with openid and list space-separated scopes' })
  scope?: string;

  @ApiPropertyOptional({ type: [String], example: ['example.com'], description: 'Email domains that may log in; empty: any' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(DOMAIN, { each: true, message: 'allowed_domains must be lower-case domain names' })
  allowed_domains?: string[];

  @ApiPropertyOptional({ enum: ROLE_NAMES, default: 'viewer', description: 'Granted to users at their first login' })
  @IsOptional()
  @IsIn(ROLE_NAMES)
  default_role?: string;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'Team new users join' })
  @IsOptional()
  @IsUUID()
  default_team_id?: string | null;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

/** Any of the fields; the slug stays. */
export class UpdateSsoProviderDto extends PartialType(OmitType(CreateSsoProviderDto, ['slug'] as const)) {}

export class LoginQueryDto {
  @ApiPropertyOptional({ description: 'Passed to the provider (OIDC login_hint)', example: 'dev@example.com' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  login_hint?: string;
}

/** What a provider sends back to the callback (RFC 6749 §4.1.2, RFC 9207 `iss`, OIDC session management). */
export class CallbackQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 2048) code?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 255) state?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(767) iss?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2048) session_state?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) error?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2048) error_description?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(767) error_uri?: string;
}

/** A provider slug path parameter: 400 naming the field otherwise. */
export class ProviderSlugPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!SLUG.test(value)) throw badField('provider', 'provider must be a provider slug (lowercase letters, digits and dashes)');
    return value;
  }
}
