/**
 * The 59 tables of SCHEMA.md by role, written out independently of the entities so that
 * the deployment-scenario specs compare against the contract, not against the code.
 */
export const HISTORY_TABLE = 'fourfold_migrations';

export const CORE_TABLES = [
  'tools',
  'servers',
  'resources',
  'prompts',
  'gateways',
  'a2a_agents',
  'grpc_services',
  'llm_providers',
  'llm_models',
  'email_users',
  'email_teams',
  'email_team_members',
  'email_team_member_history',
  'email_team_invitations',
  'email_team_join_requests',
  'email_api_tokens',
  'email_auth_events',
  'roles',
  'user_roles',
  'pending_user_approvals',
  'token_revocations',
  'sso_providers',
  'sso_auth_sessions',
  'registered_oauth_clients',
  'oauth_states',
  'oauth_tokens',
  'server_tool_association',
  'server_resource_association',
  'server_prompt_association',
  'server_a2a_association',
  'mcp_sessions',
  'mcp_messages',
  'resource_subscriptions',
  'global_config',
  'toolops_test_cases',
]; // + the history table = 36

export const METRICS_TABLES = [
  'tool_metrics',
  'server_metrics',
  'resource_metrics',
  'prompt_metrics',
  'a2a_agent_metrics',
  'tool_metrics_hourly',
  'server_metrics_hourly',
  'resource_metrics_hourly',
  'prompt_metrics_hourly',
  'a2a_agent_metrics_hourly',
  'performance_metrics',
  'performance_snapshots',
  'performance_aggregates',
  'token_usage_logs',
];

export const LOGS_TABLES = ['audit_trails', 'permission_audit_log', 'structured_log_entries', 'security_events'];

export const OBSERVABILITY_TABLES = [
  'observability_traces',
  'observability_spans',
  'observability_events',
  'observability_metrics',
  'observability_saved_queries',
];

export const PARTITIONED_TABLES = [
  'tool_metrics',
  'server_metrics',
  'resource_metrics',
  'prompt_metrics',
  'a2a_agent_metrics',
  'token_usage_logs',
  'performance_metrics',
  'performance_snapshots',
  'structured_log_entries',
  'audit_trails',
  'permission_audit_log',
  'observability_traces',
  'observability_spans',
  'observability_events',
  'observability_metrics',
];

export const TABLES_BY_ROLE = {
  core: CORE_TABLES,
  metrics: METRICS_TABLES,
  logs: LOGS_TABLES,
  observability: OBSERVABILITY_TABLES,
} as const;
