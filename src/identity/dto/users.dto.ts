import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { PageQueryDto, toBool } from './page.dto';

export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected'] as const;

export class CreateUserDto {
  @ApiProperty({ example: 'dev@example.com' })
  @IsEmail()
  @MaxLength(255)
  email: string;

  @ApiPropertyOptional({ example: 'Dev Eloper' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  full_name?: string;

  @ApiPropertyOptional({ example: 'local', default: 'local', description: 'Where the user signs in: local, api-token, an SSO provider' })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9._-]{0,49}$/, { message: 'auth_provider must be 1-50 lowercase letters, digits and . _ -' })
  auth_provider?: string;
}

export class UpdateUserDto {
  @ApiProperty({ example: 'Dev Eloper', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  full_name?: string | null;
}

export class UserListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Part of the email or the full name (case-insensitive)' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  q?: string;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'is_active must be true or false' })
  is_active?: boolean;

  @ApiPropertyOptional({ example: 'local' })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9._-]{0,49}$/, { message: 'auth_provider must be 1-50 lowercase letters, digits and . _ -' })
  auth_provider?: string;
}

export class ApprovalListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: APPROVAL_STATUSES, default: 'pending' })
  @IsOptional()
  @IsIn(APPROVAL_STATUSES)
  status?: (typeof APPROVAL_STATUSES)[number];
}

export class ApproveUserDto {
  @ApiPropertyOptional({ example: 'known contractor' })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  reason?: string;
}

export class RejectUserDto {
  @ApiProperty({ example: 'not one of ours' })
  @IsString()
  @Length(1, 1000)
  reason: string;
}
