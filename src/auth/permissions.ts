/**
 * Permissions and the system roles that hold them. The roles are stored in `roles`
 * (seeded at start, `is_system_role`), granted in `user_roles`; a request's permissions are
 * the union over the user's active, unexpired global grants.
 */
export const PERMISSIONS = {
  /** Every permission. */
  all: '*',
  registryRead: 'registry.read',
  registryWrite: 'registry.write',
  metricsRead: 'metrics.read',
  metricsWrite: 'metrics.write',
  tracesRead: 'traces.read',
  tracesWrite: 'traces.write',
  auditRead: 'audit.read',
  logsRead: 'logs.read',
  securityRead: 'security.read',
  statusRead: 'status.read',
  tokensManage: 'tokens.manage',
  rolesManage: 'roles.manage',
  /** The gateway's workers: MCP sessions, messages and subscriptions; OAuth tokens towards upstream servers, opened. */
  gatewayWorker: 'gateway.worker',
  /** Users and their approvals: create, list, change, deactivate, delete. */
  usersManage: 'users.manage',
  /** Teams you may see, their members and history. */
  teamsRead: 'teams.read',
  /** Create teams, ask to join public ones; change, invite to and review the teams you own. */
  teamsWrite: 'teams.write',
  /** Every team as if you owned it. */
  teamsManage: 'teams.manage',
  /** Any valid token, whatever its roles: the caller's own tokens, roles and requests. */
  authenticated: 'authenticated',
  /** No token at all (an invitation's own token is the credential). */
  public: 'public',
} as const;

export type Permission = (typeof PERMISSIONS)[keyof typeof PERMISSIONS];

export interface SystemRole {
  name: string;
  description: string;
  permissions: Permission[];
  /** Sees and changes every entity whatever its team or visibility. */
  unrestricted: boolean;
}

export const ADMIN_ROLE = 'admin';
export const DEVELOPER_ROLE = 'developer';
export const VIEWER_ROLE = 'viewer';
export const GATEWAY_ROLE = 'gateway';

export const SYSTEM_ROLES: SystemRole[] = [
  { name: ADMIN_ROLE, description: 'Everything, on every entity', permissions: [PERMISSIONS.all], unrestricted: true },
  {
    name: DEVELOPER_ROLE,
    description: 'Reads the registry and changes entities of its own teams; sends and reads metrics and traces',
    permissions: [
      PERMISSIONS.registryRead,
      PERMISSIONS.registryWrite,
      PERMISSIONS.metricsRead,
      PERMISSIONS.metricsWrite,
      PERMISSIONS.tracesRead,
      PERMISSIONS.tracesWrite,
      PERMISSIONS.teamsRead,
      PERMISSIONS.teamsWrite,
    ],
    unrestricted: false,
  },
  {
    name: VIEWER_ROLE,
    description: 'Reads the registry, metrics and traces',
    permissions: [PERMISSIONS.registryRead, PERMISSIONS.metricsRead, PERMISSIONS.tracesRead, PERMISSIONS.teamsRead],
    unrestricted: false,
  },
  {
    name: GATEWAY_ROLE,
    description: "The gateway's workers: keep MCP sessions, messages and subscriptions, open OAuth tokens; read the registry",
    permissions: [PERMISSIONS.gatewayWorker, PERMISSIONS.registryRead],
    unrestricted: false,
  },
];

export function hasPermission(granted: ReadonlySet<string>, permission: string): boolean {
  return permission === PERMISSIONS.authenticated || granted.has(PERMISSIONS.all) || granted.has(permission);
}
