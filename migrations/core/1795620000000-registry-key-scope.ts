import { MigrationInterface, QueryRunner } from 'typeorm';

/** Global unique keys of registry tables that become unique per team and owner (NULLS NOT DISTINCT, like tools' names). */
const SCOPED: Array<{ table: string; old: string; columns: string[]; name: string }> = [
  { table: 'gateways', old: 'uq_gateways_slug', columns: ['slug'], name: 'uq_gateways_team_owner_slug' },
  { table: 'a2a_agents', old: 'uq_a2a_agents_slug', columns: ['slug'], name: 'uq_a2a_agents_team_owner_slug' },
  { table: 'grpc_services', old: 'uq_grpc_services_name', columns: ['name'], name: 'uq_grpc_services_team_owner_name' },
  { table: 'grpc_services', old: 'uq_grpc_services_slug', columns: ['slug'], name: 'uq_grpc_services_team_owner_slug' },
  { table: 'llm_providers', old: 'uq_llm_providers_slug', columns: ['slug'], name: 'uq_llm_providers_team_owner_slug' },
  {
    table: 'llm_models',
    old: 'uq_llm_models_provider_model',
    columns: ['provider_id', 'model_id'],
    name: 'uq_llm_models_team_owner_provider_model',
  },
];

const list = (columns: string[]) => columns.map((c) => `"${c}"`).join(', ');

/**
 * A key unique across every team lets a caller learn that another team's private entity
 * exists (creating one with the same slug answered 409). Scoped per team and owner, a
 * conflict can only be with an entity the caller owns, so it reveals nothing. Only loosens
 * the constraints: no existing row can violate the new ones.
 */
export class RegistryKeyScope1795620000000 implements MigrationInterface {
  name = 'RegistryKeyScope1795620000000';

  async up(q: QueryRunner): Promise<void> {
    for (const k of SCOPED) {
      await q.query(`ALTER TABLE "${k.table}" DROP CONSTRAINT "${k.old}"`);
      await q.query(
        `ALTER TABLE "${k.table}" ADD CONSTRAINT "${k.name}" UNIQUE NULLS NOT DISTINCT ("team_id", "owner_email", ${list(k.columns)})`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const k of [...SCOPED].reverse()) {
      await q.query(`ALTER TABLE "${k.table}" DROP CONSTRAINT "${k.name}"`);
      await q.query(`ALTER TABLE "${k.table}" ADD CONSTRAINT "${k.old}" UNIQUE (${list(k.columns)})`);
    }
  }
}
