import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * CORE schema: the 35 tables of SCHEMA.md (section CORE) other than the migration
 * history table, which the migration runner owns. Must agree exactly with the entities in
 * src/core/entities (same columns, defaults, constraint and index names).
 */
export class CoreSchema1795400000000 implements MigrationInterface {
  name = 'CoreSchema1795400000000';

  async up(q: QueryRunner): Promise<void> {
    // Tables, in dependency order.
    await q.query(`
      CREATE TABLE "email_users" (
        "id" varchar(36) NOT NULL,
        "email" varchar(255) NOT NULL,
        "password_hash" varchar(255),
        "full_name" varchar(255),
        "is_admin" boolean NOT NULL DEFAULT false,
        "is_active" boolean NOT NULL DEFAULT true,
        "auth_provider" varchar(50) NOT NULL DEFAULT 'local',
        "failed_login_attempts" integer NOT NULL DEFAULT 0,
        "locked_until" timestamptz,
        "last_login" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_email_users" PRIMARY KEY ("id"),
        CONSTRAINT "uq_email_users_email" UNIQUE ("email")
      )`);
    await q.query(`
      CREATE TABLE "email_teams" (
        "id" varchar(36) NOT NULL,
        "name" varchar(255) NOT NULL,
        "slug" varchar(255) NOT NULL,
        "description" text,
        "created_by" varchar(255) NOT NULL,
        "is_personal" boolean NOT NULL DEFAULT false,
        "visibility" varchar(20) NOT NULL DEFAULT 'private',
        "max_members" integer,
        "is_active" boolean NOT NULL DEFAULT true,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_email_teams" PRIMARY KEY ("id"),
        CONSTRAINT "uq_email_teams_slug" UNIQUE ("slug")
      )`);
    await q.query(`
      CREATE TABLE "email_team_members" (
        "id" varchar(36) NOT NULL,
        "team_id" varchar(36) NOT NULL,
        "user_email" varchar(255) NOT NULL,
        "role" varchar(50) NOT NULL DEFAULT 'member',
        "joined_at" timestamptz NOT NULL DEFAULT now(),
        "invited_by" varchar(255),
        "is_active" boolean NOT NULL DEFAULT true,
        CONSTRAINT "pk_email_team_members" PRIMARY KEY ("id"),
        CONSTRAINT "uq_email_team_members_team_user" UNIQUE ("team_id", "user_email")
      )`);
    await q.query(`
      CREATE TABLE "email_team_member_history" (
        "id" varchar(36) NOT NULL,
        "team_member_id" varchar(36) NOT NULL,
        "team_id" varchar(36) NOT NULL,
        "user_email" varchar(255) NOT NULL,
        "role" varchar(50) NOT NULL,
        "action" varchar(50) NOT NULL,
        "action_timestamp" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_email_team_member_history" PRIMARY KEY ("id")
      )`);
    await q.query(`
      CREATE TABLE "email_team_invitations" (
        "id" varchar(36) NOT NULL,
        "team_id" varchar(36) NOT NULL,
        "email" varchar(255) NOT NULL,
        "role" varchar(50) NOT NULL DEFAULT 'member',
        "invited_by" varchar(255) NOT NULL,
        "invited_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL,
        "token" varchar(255) NOT NULL,
        "is_active" boolean NOT NULL DEFAULT true,
        CONSTRAINT "pk_email_team_invitations" PRIMARY KEY ("id"),
        CONSTRAINT "uq_email_team_invitations_token" UNIQUE ("token")
      )`);
    await q.query(`
      CREATE TABLE "email_team_join_requests" (
        "id" varchar(36) NOT NULL,
        "team_id" varchar(36) NOT NULL,
        "user_email" varchar(255) NOT NULL,
        "message" text,
        "status" varchar(20) NOT NULL DEFAULT 'pending',
        "requested_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz,
        "reviewed_at" timestamptz,
        "reviewed_by" varchar(255),
        CONSTRAINT "pk_email_team_join_requests" PRIMARY KEY ("id")
      )`);
    await q.query(`
      CREATE TABLE "email_api_tokens" (
        "id" varchar(36) NOT NULL,
        "user_email" varchar(255) NOT NULL,
        "team_id" varchar(36),
        "name" varchar(255) NOT NULL,
        "jti" varchar(36) NOT NULL,
        "token_hash" varchar(255) NOT NULL,
        "server_id" varchar(36),
        "expires_at" timestamptz,
        "last_used" timestamptz,
        "is_active" boolean NOT NULL DEFAULT true,
        "description" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_email_api_tokens" PRIMARY KEY ("id"),
        CONSTRAINT "uq_email_api_tokens_jti" UNIQUE ("jti")
      )`);
    await q.query(`
      CREATE TABLE "email_auth_events" (
        "id" varchar(36) NOT NULL,
        "timestamp" timestamptz NOT NULL DEFAULT now(),
        "user_email" varchar(255),
        "event_type" varchar(50) NOT NULL,
        "success" boolean NOT NULL,
        "ip_address" varchar(45),
        "failure_reason" varchar(255),
        "details" jsonb,
        CONSTRAINT "pk_email_auth_events" PRIMARY KEY ("id")
      )`);
    await q.query(`
      CREATE TABLE "roles" (
        "id" varchar(36) NOT NULL,
        "name" varchar(255) NOT NULL,
        "description" text,
        "scope" varchar(20) NOT NULL,
        "permissions" jsonb NOT NULL DEFAULT '[]',
        "inherits_from" varchar(36),
        "is_system_role" boolean NOT NULL DEFAULT false,
        "is_active" boolean NOT NULL DEFAULT true,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_roles" PRIMARY KEY ("id"),
        CONSTRAINT "uq_roles_name_scope" UNIQUE ("name", "scope")
      )`);
    await q.query(`
      CREATE TABLE "user_roles" (
        "id" varchar(36) NOT NULL,
        "user_email" varchar(255) NOT NULL,
        "role_id" varchar(36) NOT NULL,
        "scope" varchar(20) NOT NULL,
        "scope_id" varchar(36),
        "granted_by" varchar(255) NOT NULL,
        "granted_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz,
        "is_active" boolean NOT NULL DEFAULT true,
        CONSTRAINT "pk_user_roles" PRIMARY KEY ("id")
      )`);
    await q.query(`
      CREATE TABLE "pending_user_approvals" (
        "id" varchar(36) NOT NULL,
        "email" varchar(255) NOT NULL,
        "full_name" varchar(255) NOT NULL,
        "auth_provider" varchar(50) NOT NULL,
        "requested_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL,
        "approved_by" varchar(255),
        "status" varchar(20) NOT NULL DEFAULT 'pending',
        CONSTRAINT "pk_pending_user_approvals" PRIMARY KEY ("id"),
        CONSTRAINT "uq_pending_user_approvals_email" UNIQUE ("email")
      )`);
    await q.query(`
      CREATE TABLE "token_revocations" (
        "jti" varchar(36) NOT NULL,
        "revoked_at" timestamptz NOT NULL DEFAULT now(),
        "revoked_by" varchar(255) NOT NULL,
        "reason" varchar(255),
        "token_expiry" timestamptz,
        CONSTRAINT "pk_token_revocations" PRIMARY KEY ("jti")
      )`);
    await q.query(`
      CREATE TABLE "sso_providers" (
        "id" varchar(36) NOT NULL,
        "display_name" varchar(255) NOT NULL,
        "provider_type" varchar(50) NOT NULL,
        "client_id" varchar(255) NOT NULL,
        "client_secret_encrypted" text NOT NULL,
        "authorization_url" varchar(767) NOT NULL,
        "token_url" varchar(767) NOT NULL,
        "userinfo_url" varchar(767) NOT NULL,
        "issuer" varchar(767),
        "scope" varchar(255) NOT NULL DEFAULT 'openid profile email',
        "is_enabled" boolean NOT NULL DEFAULT true,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_sso_providers" PRIMARY KEY ("id")
      )`);
    await q.query(`
      CREATE TABLE "sso_auth_sessions" (
        "id" varchar(36) NOT NULL,
        "provider_id" varchar(36) NOT NULL,
        "state" varchar(255) NOT NULL,
        "code_verifier" varchar(255),
        "nonce" varchar(255),
        "redirect_uri" varchar(767) NOT NULL,
        "user_email" varchar(255),
        "expires_at" timestamptz NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_sso_auth_sessions" PRIMARY KEY ("id"),
        CONSTRAINT "uq_sso_auth_sessions_state" UNIQUE ("state")
      )`);
    await q.query(`
      CREATE TABLE "gateways" (
        "id" varchar(36) NOT NULL,
        "name" varchar(255) NOT NULL,
        "slug" varchar(255) NOT NULL,
        "url" varchar(767) NOT NULL,
        "transport" varchar(20) NOT NULL DEFAULT 'SSE',
        "capabilities" jsonb NOT NULL DEFAULT '{}',
        "status" varchar(20) NOT NULL DEFAULT 'unknown',
        "reachable" boolean NOT NULL DEFAULT true,
        "last_seen" timestamptz,
        "auth_type" varchar(20),
        "auth_value" jsonb,
        "passthrough_headers" jsonb,
        "refresh_interval_seconds" integer,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        "enabled" boolean NOT NULL DEFAULT true,
        "tags" jsonb NOT NULL DEFAULT '[]',
        "version" integer NOT NULL,
        "team_id" varchar(36),
        "owner_email" varchar(255),
        "visibility" varchar(20) NOT NULL DEFAULT 'public',
        "created_by" varchar(255),
        "modified_by" varchar(255),
        CONSTRAINT "pk_gateways" PRIMARY KEY ("id"),
        CONSTRAINT "uq_gateways_slug" UNIQUE ("slug")
      )`);
    await q.query(`
      CREATE TABLE "tools" (
        "id" varchar(36) NOT NULL,
        "name" varchar(255) NOT NULL,
        "original_name" varchar(255) NOT NULL,
        "description" text,
        "url" varchar(767),
        "integration_type" varchar(20) NOT NULL DEFAULT 'MCP',
        "request_type" varchar(20) NOT NULL DEFAULT 'SSE',
        "input_schema" jsonb NOT NULL DEFAULT '{}',
        "output_schema" jsonb,
        "annotations" jsonb NOT NULL DEFAULT '{}',
        "headers" jsonb,
        "reachable" boolean NOT NULL DEFAULT true,
        "deprecated" boolean NOT NULL DEFAULT false,
        "auth_type" varchar(20),
        "auth_value" text,
        "timeout_ms" integer,
        "gateway_id" varchar(36),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        "enabled" boolean NOT NULL DEFAULT true,
        "tags" jsonb NOT NULL DEFAULT '[]',
        "version" integer NOT NULL,
        "team_id" varchar(36),
        "owner_email" varchar(255),
        "visibility" varchar(20) NOT NULL DEFAULT 'public',
        "created_by" varchar(255),
        "modified_by" varchar(255),
        CONSTRAINT "pk_tools" PRIMARY KEY ("id"),
        CONSTRAINT "uq_tools_team_owner_name" UNIQUE NULLS NOT DISTINCT ("team_id", "owner_email", "name")
      )`);
    await q.query(`
      CREATE TABLE "servers" (
        "id" varchar(36) NOT NULL,
        "name" varchar(255) NOT NULL,
        "description" text,
        "icon" varchar(767),
        "oauth_enabled" boolean NOT NULL DEFAULT false,
        "oauth_config" jsonb,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        "enabled" boolean NOT NULL DEFAULT true,
        "tags" jsonb NOT NULL DEFAULT '[]',
        "version" integer NOT NULL,
        "team_id" varchar(36),
        "owner_email" varchar(255),
        "visibility" varchar(20) NOT NULL DEFAULT 'public',
        "created_by" varchar(255),
        "modified_by" varchar(255),
        CONSTRAINT "pk_servers" PRIMARY KEY ("id")
      )`);
    await q.query(`
      CREATE TABLE "resources" (
        "id" varchar(36) NOT NULL,
        "uri" varchar(767) NOT NULL,
        "name" varchar(255) NOT NULL,
        "description" text,
        "mime_type" varchar(255),
        "size" integer,
        "uri_template" text,
        "text_content" text,
        "gateway_id" varchar(36),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        "enabled" boolean NOT NULL DEFAULT true,
        "tags" jsonb NOT NULL DEFAULT '[]',
        "version" integer NOT NULL,
        "team_id" varchar(36),
        "owner_email" varchar(255),
        "visibility" varchar(20) NOT NULL DEFAULT 'public',
        "created_by" varchar(255),
        "modified_by" varchar(255),
        CONSTRAINT "pk_resources" PRIMARY KEY ("id")
      )`);
    await q.query(`
      CREATE TABLE "prompts" (
        "id" varchar(36) NOT NULL,
        "name" varchar(255) NOT NULL,
        "original_name" varchar(255) NOT NULL,
        "description" text,
        "template" text,
        "argument_schema" jsonb NOT NULL DEFAULT '{}',
        "gateway_id" varchar(36),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        "enabled" boolean NOT NULL DEFAULT true,
        "tags" jsonb NOT NULL DEFAULT '[]',
        "version" integer NOT NULL,
        "team_id" varchar(36),
        "owner_email" varchar(255),
        "visibility" varchar(20) NOT NULL DEFAULT 'public',
        "created_by" varchar(255),
        "modified_by" varchar(255),
        CONSTRAINT "pk_prompts" PRIMARY KEY ("id")
      )`);
    await q.query(`
      CREATE TABLE "a2a_agents" (
        "id" varchar(36) NOT NULL,
        "name" varchar(255) NOT NULL,
        "slug" varchar(255) NOT NULL,
        "endpoint_url" varchar(767) NOT NULL,
        "agent_type" varchar(50) NOT NULL DEFAULT 'generic',
        "protocol_version" varchar(20) NOT NULL DEFAULT '1.0',
        "capabilities" jsonb NOT NULL DEFAULT '{}',
        "config" jsonb NOT NULL DEFAULT '{}',
        "auth_type" varchar(20),
        "last_interaction" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        "enabled" boolean NOT NULL DEFAULT true,
        "tags" jsonb NOT NULL DEFAULT '[]',
        "version" integer NOT NULL,
        "team_id" varchar(36),
        "owner_email" varchar(255),
        "visibility" varchar(20) NOT NULL DEFAULT 'public',
        "created_by" varchar(255),
        "modified_by" varchar(255),
        CONSTRAINT "pk_a2a_agents" PRIMARY KEY ("id"),
        CONSTRAINT "uq_a2a_agents_slug" UNIQUE ("slug")
      )`);
    await q.query(`
      CREATE TABLE "grpc_services" (
        "id" varchar(36) NOT NULL,
        "name" varchar(255) NOT NULL,
        "slug" varchar(255) NOT NULL,
        "target" varchar(767) NOT NULL,
        "tls_enabled" boolean NOT NULL DEFAULT false,
        "grpc_metadata" jsonb NOT NULL DEFAULT '{}',
        "reachable" boolean NOT NULL DEFAULT false,
        "service_count" integer NOT NULL DEFAULT 0,
        "method_count" integer NOT NULL DEFAULT 0,
        "discovered_services" jsonb NOT NULL DEFAULT '{}',
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        "enabled" boolean NOT NULL DEFAULT true,
        "tags" jsonb NOT NULL DEFAULT '[]',
        "version" integer NOT NULL,
        "team_id" varchar(36),
        "owner_email" varchar(255),
        "visibility" varchar(20) NOT NULL DEFAULT 'public',
        "created_by" varchar(255),
        "modified_by" varchar(255),
        CONSTRAINT "pk_grpc_services" PRIMARY KEY ("id"),
        CONSTRAINT "uq_grpc_services_name" UNIQUE ("name"),
        CONSTRAINT "uq_grpc_services_slug" UNIQUE ("slug")
      )`);
    await q.query(`
      CREATE TABLE "llm_providers" (
        "id" varchar(36) NOT NULL,
        "name" varchar(255) NOT NULL,
        "slug" varchar(255) NOT NULL,
        "provider_type" varchar(50) NOT NULL,
        "api_base" varchar(512),
        "api_key" text,
        "config" jsonb NOT NULL DEFAULT '{}',
        "default_model" varchar(255),
        "health_status" varchar(20) NOT NULL DEFAULT 'unknown',
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        "enabled" boolean NOT NULL DEFAULT true,
        "tags" jsonb NOT NULL DEFAULT '[]',
        "version" integer NOT NULL,
        "team_id" varchar(36),
        "owner_email" varchar(255),
        "visibility" varchar(20) NOT NULL DEFAULT 'public',
        "created_by" varchar(255),
        "modified_by" varchar(255),
        CONSTRAINT "pk_llm_providers" PRIMARY KEY ("id"),
        CONSTRAINT "uq_llm_providers_slug" UNIQUE ("slug")
      )`);
    await q.query(`
      CREATE TABLE "llm_models" (
        "id" varchar(36) NOT NULL,
        "provider_id" varchar(36) NOT NULL,
        "model_id" varchar(255) NOT NULL,
        "model_name" varchar(255) NOT NULL,
        "model_alias" varchar(255),
        "supports_chat" boolean NOT NULL DEFAULT true,
        "supports_streaming" boolean NOT NULL DEFAULT true,
        "supports_function_calling" boolean NOT NULL DEFAULT false,
        "supports_vision" boolean NOT NULL DEFAULT false,
        "context_window" integer,
        "max_output_tokens" integer,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        "enabled" boolean NOT NULL DEFAULT true,
        "tags" jsonb NOT NULL DEFAULT '[]',
        "version" integer NOT NULL,
        "team_id" varchar(36),
        "owner_email" varchar(255),
        "visibility" varchar(20) NOT NULL DEFAULT 'public',
        "created_by" varchar(255),
        "modified_by" varchar(255),
        CONSTRAINT "pk_llm_models" PRIMARY KEY ("id"),
        CONSTRAINT "uq_llm_models_provider_model" UNIQUE ("provider_id", "model_id")
      )`);
    await q.query(`
      CREATE TABLE "registered_oauth_clients" (
        "id" varchar(36) NOT NULL,
        "gateway_id" varchar(36) NOT NULL,
        "issuer" varchar(767) NOT NULL,
        "client_id" varchar(255) NOT NULL,
        "client_secret_encrypted" text,
        "redirect_uris" jsonb NOT NULL DEFAULT '[]',
        "expires_at" timestamptz,
        "is_active" boolean NOT NULL DEFAULT true,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_registered_oauth_clients" PRIMARY KEY ("id"),
        CONSTRAINT "uq_registered_oauth_clients_gateway_issuer" UNIQUE ("gateway_id", "issuer")
      )`);
    await q.query(`
      CREATE TABLE "oauth_states" (
        "id" varchar(36) NOT NULL,
        "gateway_id" varchar(36) NOT NULL,
        "state" varchar(500) NOT NULL,
        "code_verifier" varchar(128),
        "expires_at" timestamptz NOT NULL,
        "used" boolean NOT NULL DEFAULT false,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_oauth_states" PRIMARY KEY ("id"),
        CONSTRAINT "uq_oauth_states_state" UNIQUE ("state")
      )`);
    await q.query(`
      CREATE TABLE "oauth_tokens" (
        "id" varchar(36) NOT NULL,
        "gateway_id" varchar(36) NOT NULL,
        "user_id" varchar(255) NOT NULL,
        "access_token" text NOT NULL,
        "refresh_token" text,
        "token_type" varchar(50) NOT NULL DEFAULT 'Bearer',
        "expires_at" timestamptz,
        "scopes" jsonb NOT NULL DEFAULT '[]',
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_oauth_tokens" PRIMARY KEY ("id"),
        CONSTRAINT "uq_oauth_tokens_gateway_user" UNIQUE ("gateway_id", "user_id")
      )`);
    await q.query(`
      CREATE TABLE "server_tool_association" (
        "server_id" varchar(36) NOT NULL,
        "tool_id" varchar(36) NOT NULL,
        CONSTRAINT "pk_server_tool_association" PRIMARY KEY ("server_id", "tool_id")
      )`);
    await q.query(`
      CREATE TABLE "server_resource_association" (
        "server_id" varchar(36) NOT NULL,
        "resource_id" varchar(36) NOT NULL,
        CONSTRAINT "pk_server_resource_association" PRIMARY KEY ("server_id", "resource_id")
      )`);
    await q.query(`
      CREATE TABLE "server_prompt_association" (
        "server_id" varchar(36) NOT NULL,
        "prompt_id" varchar(36) NOT NULL,
        CONSTRAINT "pk_server_prompt_association" PRIMARY KEY ("server_id", "prompt_id")
      )`);
    await q.query(`
      CREATE TABLE "server_a2a_association" (
        "server_id" varchar(36) NOT NULL,
        "a2a_agent_id" varchar(36) NOT NULL,
        CONSTRAINT "pk_server_a2a_association" PRIMARY KEY ("server_id", "a2a_agent_id")
      )`);
    await q.query(`
      CREATE TABLE "mcp_sessions" (
        "session_id" varchar(255) NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "last_accessed" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_mcp_sessions" PRIMARY KEY ("session_id")
      )`);
    await q.query(`
      CREATE TABLE "mcp_messages" (
        "id" varchar(36) NOT NULL,
        "session_id" varchar(255) NOT NULL,
        "message" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_mcp_messages" PRIMARY KEY ("id")
      )`);
    await q.query(`
      CREATE TABLE "resource_subscriptions" (
        "id" varchar(36) NOT NULL,
        "resource_id" varchar(36) NOT NULL,
        "subscriber_id" varchar(255) NOT NULL,
        "last_notification" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_resource_subscriptions" PRIMARY KEY ("id"),
        CONSTRAINT "uq_resource_subscriptions_resource_subscriber" UNIQUE ("resource_id", "subscriber_id")
      )`);
    await q.query(`
      CREATE TABLE "global_config" (
        "id" varchar(36) NOT NULL,
        "passthrough_headers" jsonb,
        "settings" jsonb NOT NULL DEFAULT '{}',
        CONSTRAINT "pk_global_config" PRIMARY KEY ("id")
      )`);
    await q.query(`
      CREATE TABLE "toolops_test_cases" (
        "tool_id" varchar(36) NOT NULL,
        "test_cases" jsonb NOT NULL DEFAULT '[]',
        "run_status" varchar(255),
        CONSTRAINT "pk_toolops_test_cases" PRIMARY KEY ("tool_id")
      )`);

    // Foreign keys (added once every table exists: roles references itself).
    await q.query(
      `ALTER TABLE "email_teams" ADD CONSTRAINT "fk_email_teams_created_by" FOREIGN KEY ("created_by") REFERENCES "email_users" ("email")`,
    );
    await q.query(
      `ALTER TABLE "email_team_members" ADD CONSTRAINT "fk_email_team_members_team_id" FOREIGN KEY ("team_id") REFERENCES "email_teams" ("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "email_team_members" ADD CONSTRAINT "fk_email_team_members_user_email" FOREIGN KEY ("user_email") REFERENCES "email_users" ("email") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "email_team_member_history" ADD CONSTRAINT "fk_email_team_member_history_team_member_id" FOREIGN KEY ("team_member_id") REFERENCES "email_team_members" ("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "email_team_invitations" ADD CONSTRAINT "fk_email_team_invitations_team_id" FOREIGN KEY ("team_id") REFERENCES "email_teams" ("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "email_team_join_requests" ADD CONSTRAINT "fk_email_team_join_requests_team_id" FOREIGN KEY ("team_id") REFERENCES "email_teams" ("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "email_api_tokens" ADD CONSTRAINT "fk_email_api_tokens_user_email" FOREIGN KEY ("user_email") REFERENCES "email_users" ("email") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "roles" ADD CONSTRAINT "fk_roles_inherits_from" FOREIGN KEY ("inherits_from") REFERENCES "roles" ("id") ON DELETE SET NULL`,
    );
    await q.query(
      `ALTER TABLE "user_roles" ADD CONSTRAINT "fk_user_roles_user_email" FOREIGN KEY ("user_email") REFERENCES "email_users" ("email") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "user_roles" ADD CONSTRAINT "fk_user_roles_role_id" FOREIGN KEY ("role_id") REFERENCES "roles" ("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "sso_auth_sessions" ADD CONSTRAINT "fk_sso_auth_sessions_provider_id" FOREIGN KEY ("provider_id") REFERENCES "sso_providers" ("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "tools" ADD CONSTRAINT "fk_tools_gateway_id" FOREIGN KEY ("gateway_id") REFERENCES "gateways" ("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "resources" ADD CONSTRAINT "fk_resources_gateway_id" FOREIGN KEY ("gateway_id") REFERENCES "gateways" ("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "prompts" ADD CONSTRAINT "fk_prompts_gateway_id" FOREIGN KEY ("gateway_id") REFERENCES "gateways" ("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "llm_models" ADD CONSTRAINT "fk_llm_models_provider_id" FOREIGN KEY ("provider_id") REFERENCES "llm_providers" ("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "registered_oauth_clients" ADD CONSTRAINT "fk_registered_oauth_clients_gateway_id" FOREIGN KEY ("gateway_id") REFERENCES "gateways" ("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "oauth_states" ADD CONSTRAINT "fk_oauth_states_gateway_id" FOREIGN KEY ("gateway_id") REFERENCES "gateways" ("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "oauth_tokens" ADD CONSTRAINT "fk_oauth_tokens_gateway_id" FOREIGN KEY ("gateway_id") REFERENCES "gateways" ("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "oauth_tokens" ADD CONSTRAINT "fk_oauth_tokens_user_id" FOREIGN KEY ("user_id") REFERENCES "email_users" ("email") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "server_tool_association" ADD CONSTRAINT "fk_server_tool_association_server_id" FOREIGN KEY ("server_id") REFERENCES "servers" ("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "server_tool_association" ADD CONSTRAINT "fk_server_tool_association_tool_id" FOREIGN KEY ("tool_id") REFERENCES "tools" ("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "server_resource_association" ADD CONSTRAINT "fk_server_resource_association_server_id" FOREIGN KEY ("server_id") REFERENCES "servers" ("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "server_resource_association" ADD CONSTRAINT "fk_server_resource_association_resource_id" FOREIGN KEY ("resource_id") REFERENCES "resources" ("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "server_prompt_association" ADD CONSTRAINT "fk_server_prompt_association_server_id" FOREIGN KEY ("server_id") REFERENCES "servers" ("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "server_prompt_association" ADD CONSTRAINT "fk_server_prompt_association_prompt_id" FOREIGN KEY ("prompt_id") REFERENCES "prompts" ("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "server_a2a_association" ADD CONSTRAINT "fk_server_a2a_association_server_id" FOREIGN KEY ("server_id") REFERENCES "servers" ("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "server_a2a_association" ADD CONSTRAINT "fk_server_a2a_association_a2a_agent_id" FOREIGN KEY ("a2a_agent_id") REFERENCES "a2a_agents" ("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "mcp_messages" ADD CONSTRAINT "fk_mcp_messages_session_id" FOREIGN KEY ("session_id") REFERENCES "mcp_sessions" ("session_id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "resource_subscriptions" ADD CONSTRAINT "fk_resource_subscriptions_resource_id" FOREIGN KEY ("resource_id") REFERENCES "resources" ("id") ON DELETE CASCADE`,
    );

    // Indexes (FK columns not already leading a primary key or unique constraint, team_id, lookups).
    await q.query(`CREATE INDEX "ix_email_teams_created_by" ON "email_teams" ("created_by")`);
    await q.query(`CREATE INDEX "ix_email_team_members_user_email" ON "email_team_members" ("user_email")`);
    await q.query(`CREATE INDEX "ix_email_team_member_history_team_member_id" ON "email_team_member_history" ("team_member_id")`);
    await q.query(`CREATE INDEX "ix_email_team_member_history_team_id" ON "email_team_member_history" ("team_id")`);
    await q.query(`CREATE INDEX "ix_email_team_invitations_team_id" ON "email_team_invitations" ("team_id")`);
    await q.query(`CREATE INDEX "ix_email_team_invitations_email" ON "email_team_invitations" ("email")`);
    await q.query(`CREATE INDEX "ix_email_team_invitations_expires_at" ON "email_team_invitations" ("expires_at")`);
    await q.query(`CREATE INDEX "ix_email_team_join_requests_team_id" ON "email_team_join_requests" ("team_id")`);
    await q.query(`CREATE INDEX "ix_email_team_join_requests_user_email" ON "email_team_join_requests" ("user_email")`);
    await q.query(`CREATE INDEX "ix_email_api_tokens_user_email" ON "email_api_tokens" ("user_email")`);
    await q.query(`CREATE INDEX "ix_email_api_tokens_team_id" ON "email_api_tokens" ("team_id")`);
    await q.query(`CREATE INDEX "ix_email_api_tokens_expires_at" ON "email_api_tokens" ("expires_at")`);
    await q.query(`CREATE INDEX "ix_email_auth_events_user_email" ON "email_auth_events" ("user_email")`);
    await q.query(`CREATE INDEX "ix_email_auth_events_timestamp" ON "email_auth_events" ("timestamp")`);
    await q.query(`CREATE INDEX "ix_roles_inherits_from" ON "roles" ("inherits_from")`);
    await q.query(`CREATE INDEX "ix_user_roles_user_email" ON "user_roles" ("user_email")`);
    await q.query(`CREATE INDEX "ix_user_roles_role_id" ON "user_roles" ("role_id")`);
    await q.query(`CREATE INDEX "ix_user_roles_scope_scope_id" ON "user_roles" ("scope", "scope_id")`);
    await q.query(`CREATE INDEX "ix_pending_user_approvals_expires_at" ON "pending_user_approvals" ("expires_at")`);
    await q.query(`CREATE INDEX "ix_token_revocations_token_expiry" ON "token_revocations" ("token_expiry")`);
    await q.query(`CREATE INDEX "ix_sso_auth_sessions_provider_id" ON "sso_auth_sessions" ("provider_id")`);
    await q.query(`CREATE INDEX "ix_sso_auth_sessions_expires_at" ON "sso_auth_sessions" ("expires_at")`);
    await q.query(`CREATE INDEX "ix_gateways_team_id" ON "gateways" ("team_id")`);
    await q.query(`CREATE INDEX "ix_tools_team_id" ON "tools" ("team_id")`);
    await q.query(`CREATE INDEX "ix_tools_gateway_id" ON "tools" ("gateway_id")`);
    await q.query(`CREATE INDEX "ix_servers_team_id" ON "servers" ("team_id")`);
    await q.query(`CREATE INDEX "ix_resources_team_id" ON "resources" ("team_id")`);
    await q.query(`CREATE INDEX "ix_resources_gateway_id" ON "resources" ("gateway_id")`);
    await q.query(`CREATE INDEX "ix_resources_uri" ON "resources" ("uri")`);
    await q.query(`CREATE INDEX "ix_prompts_team_id" ON "prompts" ("team_id")`);
    await q.query(`CREATE INDEX "ix_prompts_gateway_id" ON "prompts" ("gateway_id")`);
    await q.query(`CREATE INDEX "ix_a2a_agents_team_id" ON "a2a_agents" ("team_id")`);
    await q.query(`CREATE INDEX "ix_grpc_services_team_id" ON "grpc_services" ("team_id")`);
    await q.query(`CREATE INDEX "ix_llm_providers_team_id" ON "llm_providers" ("team_id")`);
    await q.query(`CREATE INDEX "ix_llm_models_team_id" ON "llm_models" ("team_id")`);
    await q.query(`CREATE INDEX "ix_oauth_states_gateway_id" ON "oauth_states" ("gateway_id")`);
    await q.query(`CREATE INDEX "ix_oauth_states_expires_at" ON "oauth_states" ("expires_at")`);
    await q.query(`CREATE INDEX "ix_oauth_tokens_user_id" ON "oauth_tokens" ("user_id")`);
    await q.query(`CREATE INDEX "ix_oauth_tokens_expires_at" ON "oauth_tokens" ("expires_at")`);
    await q.query(`CREATE INDEX "ix_server_tool_association_tool_id" ON "server_tool_association" ("tool_id")`);
    await q.query(`CREATE INDEX "ix_server_resource_association_resource_id" ON "server_resource_association" ("resource_id")`);
    await q.query(`CREATE INDEX "ix_server_prompt_association_prompt_id" ON "server_prompt_association" ("prompt_id")`);
    await q.query(`CREATE INDEX "ix_server_a2a_association_a2a_agent_id" ON "server_a2a_association" ("a2a_agent_id")`);
    await q.query(`CREATE INDEX "ix_mcp_sessions_last_accessed" ON "mcp_sessions" ("last_accessed")`);
    await q.query(`CREATE INDEX "ix_mcp_messages_session_id" ON "mcp_messages" ("session_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Reverse dependency order; indexes and constraints go with their tables.
    await q.query(`DROP TABLE "toolops_test_cases"`);
    await q.query(`DROP TABLE "global_config"`);
    await q.query(`DROP TABLE "resource_subscriptions"`);
    await q.query(`DROP TABLE "mcp_messages"`);
    await q.query(`DROP TABLE "mcp_sessions"`);
    await q.query(`DROP TABLE "server_a2a_association"`);
    await q.query(`DROP TABLE "server_prompt_association"`);
    await q.query(`DROP TABLE "server_resource_association"`);
    await q.query(`DROP TABLE "server_tool_association"`);
    await q.query(`DROP TABLE "oauth_tokens"`);
    await q.query(`DROP TABLE "oauth_states"`);
    await q.query(`DROP TABLE "registered_oauth_clients"`);
    await q.query(`DROP TABLE "llm_models"`);
    await q.query(`DROP TABLE "llm_providers"`);
    await q.query(`DROP TABLE "grpc_services"`);
    await q.query(`DROP TABLE "a2a_agents"`);
    await q.query(`DROP TABLE "prompts"`);
    await q.query(`DROP TABLE "resources"`);
    await q.query(`DROP TABLE "servers"`);
    await q.query(`DROP TABLE "tools"`);
    await q.query(`DROP TABLE "gateways"`);
    await q.query(`DROP TABLE "sso_auth_sessions"`);
    await q.query(`DROP TABLE "sso_providers"`);
    await q.query(`DROP TABLE "token_revocations"`);
    await q.query(`DROP TABLE "pending_user_approvals"`);
    await q.query(`DROP TABLE "user_roles"`);
    await q.query(`DROP TABLE "roles"`);
    await q.query(`DROP TABLE "email_auth_events"`);
    await q.query(`DROP TABLE "email_api_tokens"`);
    await q.query(`DROP TABLE "email_team_join_requests"`);
    await q.query(`DROP TABLE "email_team_invitations"`);
    await q.query(`DROP TABLE "email_team_member_history"`);
    await q.query(`DROP TABLE "email_team_members"`);
    await q.query(`DROP TABLE "email_teams"`);
    await q.query(`DROP TABLE "email_users"`);
  }
}
