import { Role } from '../database/roles';

export const roleIndicatorToken = (role: Role) => `RoleHealthIndicator:${role}`;
