import { EmailApiToken } from '../core/entities/email-api-token.entity';
import { EmailTeam } from '../core/entities/email-team.entity';
import { EmailTeamInvitation } from '../core/entities/email-team-invitation.entity';
import { EmailTeamJoinRequest } from '../core/entities/email-team-join-request.entity';
import { EmailTeamMember } from '../core/entities/email-team-member.entity';
import { EmailTeamMemberHistory } from '../core/entities/email-team-member-history.entity';
import { EmailUser } from '../core/entities/email-user.entity';
import { PendingUserApproval } from '../core/entities/pending-user-approval.entity';

/** How identity rows are shown: named fields, snake_case, never a hash or a password. */
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export const userView = (u: EmailUser, approval: PendingUserApproval | null = null) => ({
  id: u.id,
  email: u.email,
  full_name: u.fullName,
  is_active: u.isActive,
  auth_provider: u.authProvider,
  last_login: iso(u.lastLogin),
  created_at: iso(u.createdAt),
  updated_at: iso(u.updatedAt),
  approval_status: approval?.status ?? null,
});

export const approvalView = (a: PendingUserApproval) => ({
  id: a.id,
  email: a.email,
  full_name: a.fullName,
  auth_provider: a.authProvider,
  status: a.status,
  requested_at: iso(a.requestedAt),
  expires_at: iso(a.expiresAt),
  approved_by: a.approvedBy,
  reviewed_at: iso(a.reviewedAt),
  reason: a.reason,
});

export const teamView = (t: EmailTeam) => ({
  id: t.id,
  name: t.name,
  slug: t.slug,
  description: t.description,
  visibility: t.visibility,
  created_by: t.createdBy,
  created_at: iso(t.createdAt),
  updated_at: iso(t.updatedAt),
});

export const memberView = (m: EmailTeamMember) => ({
  team_id: m.teamId,
  user_email: m.userEmail,
  role: m.role,
  joined_at: iso(m.joinedAt),
  invited_by: m.invitedBy,
});

export const historyView = (h: EmailTeamMemberHistory) => ({
  id: h.id,
  team_id: h.teamId,
  user_email: h.userEmail,
  role: h.role,
  action: h.action,
  performed_by: h.performedBy,
  action_timestamp: iso(h.actionTimestamp),
});

export const invitationView = (i: EmailTeamInvitation) => ({
  id: i.id,
  team_id: i.teamId,
  email: i.email,
  role: i.role,
  invited_by: i.invitedBy,
  invited_at: iso(i.invitedAt),
  expires_at: iso(i.expiresAt),
});

export const joinRequestView = (r: EmailTeamJoinRequest) => ({
  id: r.id,
  team_id: r.teamId,
  user_email: r.userEmail,
  message: r.message,
  status: r.status,
  requested_at: iso(r.requestedAt),
  reviewed_at: iso(r.reviewedAt),
  reviewed_by: r.reviewedBy,
});

/** A token's metadata: everything but its hash. */
export const tokenView = (t: EmailApiToken, revocation: { revoked_at: Date; reason: string | null } | null) => ({
  id: t.id,
  jti: t.jti,
  user_email: t.userEmail,
  name: t.name,
  description: t.description,
  team_id: t.teamId,
  server_id: t.serverId,
  created_at: iso(t.createdAt),
  expires_at: iso(t.expiresAt),
  last_used: iso(t.lastUsed),
  is_active: t.isActive,
  revoked: !t.isActive || revocation !== null,
  revoked_at: iso(revocation?.revoked_at),
  revoke_reason: revocation?.reason ?? null,
});
