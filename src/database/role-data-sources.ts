import { Inject, Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Role, ROLES } from './roles';

/**
 * The DataSource serving each role, for code that works across roles (the writer, health,
 * status, self-measurement). Roles that share a database share its DataSource. Code that
 * works with one role injects that role's DataSource (`@InjectDataSource(METRICS_DB)`).
 */
export type RoleDataSources = Readonly<Record<Role, DataSource>>;

export const ROLE_DATA_SOURCES = Symbol('ROLE_DATA_SOURCES');

export const InjectRoleDataSources = (): ParameterDecorator => Inject(ROLE_DATA_SOURCES);

export const roleDataSourcesProvider: Provider = {
  provide: ROLE_DATA_SOURCES,
  inject: ROLES.map((role) => getDataSourceToken(role)),
  useFactory: (...dataSources: DataSource[]): RoleDataSources =>
    Object.fromEntries(ROLES.map((role, i) => [role, dataSources[i]])) as Record<Role, DataSource>,
};
