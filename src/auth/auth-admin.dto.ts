import { BadRequestException, PipeTransform } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { SYSTEM_ROLES } from './permissions';

const ROLE_NAMES = SYSTEM_ROLES.map((r) => r.name);

export class CreateTokenDto {
  @ApiProperty({ example: 'dev@example.com', description: 'The user; created when unknown' })
  @IsEmail()
  @MaxLength(255)
  email: string;

  @ApiProperty({ enum: ROLE_NAMES, description: 'Granted to the user when not already held' })
  @IsIn(ROLE_NAMES)
  role: string;

  @ApiPropertyOptional({ example: '30d', description: 'Lifetime: a number and s, m, h, d or w. Omitted: no expiry' })
  @IsOptional()
  @Matches(/^[1-9]\d{0,5}[smhdw]$/, { message: 'expires_in must look like 30d, 12h, 90m, 45s or 2w' })
  expires_in?: string;

  @ApiPropertyOptional({ example: 'ci pipeline' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  name?: string;
}

export class CreatedTokenDto {
  @ApiProperty({ description: 'The token: shown once, only its hash is stored' })
  token: string;
  @ApiProperty()
  jti: string;
  @ApiProperty()
  user_email: string;
  @ApiProperty()
  role: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  expires_at: string | null;
}

export class RevokeTokenDto {
  @ApiPropertyOptional({ example: 'leaked in a log' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  reason?: string;
}

const normalizeEmail = (value: string) => value.trim().toLowerCase();

/** An email path parameter as users are stored: trimmed, lower-case. */
export class NormalizeEmailPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    return normalizeEmail(value);
  }
}

/** A normalized email path parameter that must look like an address: 400 naming the field otherwise. */
export class ParseEmailPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    const email = normalizeEmail(value);
    if (!/^[^@\s]+@[^@\s]+$/.test(email) || email.length > 255)
      throw new BadRequestException({
        statusCode: 400,
        message: 'invalid email',
        errors: [{ field: 'email', reason: 'must be an email address' }],
      });
    return email;
  }
}
