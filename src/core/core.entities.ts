import { EmailUser } from './entities/email-user.entity';
import { EmailTeam } from './entities/email-team.entity';
import { EmailTeamMember } from './entities/email-team-member.entity';
import { EmailTeamMemberHistory } from './entities/email-team-member-history.entity';
import { EmailTeamInvitation } from './entities/email-team-invitation.entity';
import { EmailTeamJoinRequest } from './entities/email-team-join-request.entity';
import { EmailApiToken } from './entities/email-api-token.entity';
import { EmailAuthEvent } from './entities/email-auth-event.entity';
import { Role } from './entities/role.entity';
import { UserRole } from './entities/user-role.entity';
import { PendingUserApproval } from './entities/pending-user-approval.entity';
import { TokenRevocation } from './entities/token-revocation.entity';
import { SsoProvider } from './entities/sso-provider.entity';
import { SsoAuthSession } from './entities/sso-auth-session.entity';
import { Gateway } from './entities/gateway.entity';
import { Tool } from './entities/tool.entity';
import { Server } from './entities/server.entity';
import { Resource } from './entities/resource.entity';
import { Prompt } from './entities/prompt.entity';
import { A2aAgent } from './entities/a2a-agent.entity';
import { GrpcService } from './entities/grpc-service.entity';
import { LlmProvider } from './entities/llm-provider.entity';
import { LlmModel } from './entities/llm-model.entity';
import { RegisteredOauthClient } from './entities/registered-oauth-client.entity';
import { OauthState } from './entities/oauth-state.entity';
import { OauthToken } from './entities/oauth-token.entity';
import { ServerToolAssociation } from './entities/server-tool-association.entity';
import { ServerResourceAssociation } from './entities/server-resource-association.entity';
import { ServerPromptAssociation } from './entities/server-prompt-association.entity';
import { ServerA2aAssociation } from './entities/server-a2a-association.entity';
import { McpSession } from './entities/mcp-session.entity';
import { McpMessage } from './entities/mcp-message.entity';
import { ResourceSubscription } from './entities/resource-subscription.entity';
import { GlobalConfig } from './entities/global-config.entity';
import { ToolopsTestCase } from './entities/toolops-test-case.entity';

export {
  EmailUser,
  EmailTeam,
  EmailTeamMember,
  EmailTeamMemberHistory,
  EmailTeamInvitation,
  EmailTeamJoinRequest,
  EmailApiToken,
  EmailAuthEvent,
  Role,
  UserRole,
  PendingUserApproval,
  TokenRevocation,
  SsoProvider,
  SsoAuthSession,
  Gateway,
  Tool,
  Server,
  Resource,
  Prompt,
  A2aAgent,
  GrpcService,
  LlmProvider,
  LlmModel,
  RegisteredOauthClient,
  OauthState,
  OauthToken,
  ServerToolAssociation,
  ServerResourceAssociation,
  ServerPromptAssociation,
  ServerA2aAssociation,
  McpSession,
  McpMessage,
  ResourceSubscription,
  GlobalConfig,
  ToolopsTestCase,
};
export { RegistryEntity } from './entities/registry-entity.base';

/** The 35 CORE entities (every CORE table except the migration history). */
export const CORE_ENTITIES = [
  EmailUser,
  EmailTeam,
  EmailTeamMember,
  EmailTeamMemberHistory,
  EmailTeamInvitation,
  EmailTeamJoinRequest,
  EmailApiToken,
  EmailAuthEvent,
  Role,
  UserRole,
  PendingUserApproval,
  TokenRevocation,
  SsoProvider,
  SsoAuthSession,
  Gateway,
  Tool,
  Server,
  Resource,
  Prompt,
  A2aAgent,
  GrpcService,
  LlmProvider,
  LlmModel,
  RegisteredOauthClient,
  OauthState,
  OauthToken,
  ServerToolAssociation,
  ServerResourceAssociation,
  ServerPromptAssociation,
  ServerA2aAssociation,
  McpSession,
  McpMessage,
  ResourceSubscription,
  GlobalConfig,
  ToolopsTestCase,
];
