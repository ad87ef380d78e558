import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { TEAM_ROLES, TEAM_VISIBILITIES } from '../team-rules';
import { PageQueryDto } from './page.dto';

export class CreateTeamDto {
  @ApiProperty({ example: 'payments' })
  @IsString()
  @Length(1, 255)
  name: string;

  @ApiProperty({ example: 'payments', description: 'Unique, lowercase letters, digits and dashes' })
  @Matches(/^[a-z0-9][a-z0-9-]{0,254}$/, { message: 'slug must be lowercase letters, digits and dashes' })
  slug: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  description?: string;

  @ApiPropertyOptional({
    enum: TEAM_VISIBILITIES,
    default: 'private',
    description: 'private: members only; public: everyone sees it and may ask to join',
  })
  @IsOptional()
  @IsIn(TEAM_VISIBILITIES)
  visibility?: (typeof TEAM_VISIBILITIES)[number];
}

export class UpdateTeamDto {
  @ApiPropertyOptional({ example: 'payments platform' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  name?: string;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  description?: string | null;

  @ApiPropertyOptional({ enum: TEAM_VISIBILITIES })
  @IsOptional()
  @IsIn(TEAM_VISIBILITIES)
  visibility?: (typeof TEAM_VISIBILITIES)[number];
}

export class TeamListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: TEAM_VISIBILITIES, description: 'public: every public team (to find one to join), not only yours' })
  @IsOptional()
  @IsIn(TEAM_VISIBILITIES)
  visibility?: (typeof TEAM_VISIBILITIES)[number];
}

export class TeamMemberDto {
  @ApiPropertyOptional({ enum: TEAM_ROLES, default: 'member' })
  @IsOptional()
  @IsIn(TEAM_ROLES)
  role?: (typeof TEAM_ROLES)[number];
}

export class MemberRoleDto {
  @ApiProperty({ enum: TEAM_ROLES })
  @IsIn(TEAM_ROLES)
  role: (typeof TEAM_ROLES)[number];
}

export class CreateInvitationDto {
  @ApiProperty({ example: 'new@example.com' })
  @IsEmail()
  @MaxLength(255)
  email: string;

  @ApiPropertyOptional({ enum: TEAM_ROLES, default: 'member' })
  @IsOptional()
  @IsIn(TEAM_ROLES)
  role?: (typeof TEAM_ROLES)[number];

  @ApiPropertyOptional({ example: '7d', default: '7d', description: 'Lifetime: a number and m, h, d or w, at most 30 days' })
  @IsOptional()
  @Matches(/^[1-9]\d{0,4}[mhdw]$/, { message: 'expires_in must look like 7d, 12h, 90m or 2w' })
  expires_in?: string;
}

export class InvitationTokenDto {
  @ApiProperty({ description: 'The invitation token, as it was handed to the invitee' })
  @Matches(/^ffi_[A-Za-z0-9_-]{43}$/, { message: 'token must be an invitation token (ffi_…)' })
  token: string;

  @ApiPropertyOptional({ example: 'New Member', description: 'For a user the acceptance creates' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  full_name?: string;
}

export class JoinRequestDto {
  @ApiPropertyOptional({ example: 'I work on payments' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  message?: string;
}

export const JOIN_STATUSES = ['pending', 'approved', 'rejected', 'withdrawn'] as const;

export class JoinRequestListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: JOIN_STATUSES, default: 'pending' })
  @IsOptional()
  @IsIn(JOIN_STATUSES)
  status?: (typeof JOIN_STATUSES)[number];
}
