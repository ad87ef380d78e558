import { Inject } from '@nestjs/common';
import { Role } from '../database/roles';
import { RoleHealthIndicator } from './role-health.indicator';

/** One health indicator per role, each probing through that role's own DataSource. */
export type RoleIndicators = Readonly<Record<Role, RoleHealthIndicator>>;

export const ROLE_INDICATORS = Symbol('ROLE_INDICATORS');

export const InjectRoleIndicators = (): ParameterDecorator => Inject(ROLE_INDICATORS);
