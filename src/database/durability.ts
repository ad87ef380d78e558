import { Inject } from '@nestjs/common';
import { Role } from './roles';

export type SynchronousCommit = 'on' | 'off';

/**
 * The synchronous_commit fourfold sets (SET LOCAL, per transaction) for each role's writes.
 * One source: the writer commits with it and /status/database reports it. Each role declares
 * its own rule (RoleDefinition.synchronousCommit); DatabaseModule resolves them once.
 */
export type RoleDurability = Readonly<Record<Role, SynchronousCommit>>;

export const ROLE_DURABILITY = Symbol('ROLE_DURABILITY');

export const InjectRoleDurability = (): ParameterDecorator => Inject(ROLE_DURABILITY);
