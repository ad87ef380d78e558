import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsIP, IsOptional, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageQueryDto, toBool, WindowQueryDto } from './page.dto';

const IDENT = /^[A-Za-z0-9._:@/-]{1,100}$/;
const IDENT_RULE = 'must be letters, digits and . _ : @ / - (at most 100)';

export class TokenListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Another user’s tokens (needs tokens.manage); default: yours, or everyone’s with tokens.manage' })
  @IsOptional()
  @IsEmail()
  @MaxLength(255)
  user_email?: string;

  @ApiPropertyOptional({ type: Boolean, description: 'true: usable (active, not revoked); false: revoked or deactivated' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'is_active must be true or false' })
  is_active?: boolean;
}

export class AuthEventQueryDto extends WindowQueryDto {
  @ApiPropertyOptional({ example: 'dev@example.com' })
  @IsOptional()
  @IsEmail()
  @MaxLength(255)
  user_email?: string;

  @ApiPropertyOptional({ example: 'api_token' })
  @IsOptional()
  @Matches(IDENT, { message: `event_type ${IDENT_RULE}` })
  event_type?: string;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'success must be true or false' })
  success?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsIP(undefined, { message: 'ip_address must be an IP address' })
  ip_address?: string;
}

export class UsageWindowDto extends WindowQueryDto {}

export class TokenUsageQueryDto extends WindowQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  token_jti?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsEmail()
  @MaxLength(255)
  user_email?: string;

  @ApiPropertyOptional({ type: Boolean, description: 'true: requests refused by a permission (403) or a rate limit (429)' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'blocked must be true or false' })
  blocked?: boolean;
}

export class PermissionAuditQueryDto extends WindowQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsEmail()
  @MaxLength(255)
  user_email?: string;

  @ApiPropertyOptional({ example: 'registry.write' })
  @IsOptional()
  @Matches(IDENT, { message: `permission ${IDENT_RULE}` })
  permission?: string;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'granted must be true or false' })
  granted?: boolean;

  @ApiPropertyOptional({ example: 'team' })
  @IsOptional()
  @Matches(IDENT, { message: `resource_type ${IDENT_RULE}` })
  resource_type?: string;
}

export const ROLE_SCOPES = ['global', 'team', 'personal'] as const;
export class RoleListQueryDto {
  @ApiPropertyOptional({ type: Boolean, description: 'Include revoked and expired grants' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'all must be true or false' })
  all?: boolean;

  @ApiPropertyOptional({ enum: ROLE_SCOPES })
  @IsOptional()
  @IsIn(ROLE_SCOPES)
  scope?: string;
}
