import { CoreSchema1795400000000 } from './1795400000000-core-schema';
import { RegistryNameUniqueness1795610000000 } from './1795610000000-registry-name-uniqueness';
import { RegistryKeyScope1795620000000 } from './1795620000000-registry-key-scope';
import { IdentityLifecycle1796300000000 } from './1796300000000-identity-lifecycle';
import { McpSessionStore1796400000000 } from './1796400000000-mcp-session-store';
import { GlobalConfigVersion1796400000100 } from './1796400000100-global-config-version';
import { ToolTestCases1796400000200 } from './1796400000200-tool-test-cases';
import { UpstreamOauth1796400000300 } from './1796400000300-upstream-oauth';
import { SsoLogin1796400000400 } from './1796400000400-sso-login';

export {
  CoreSchema1795400000000,
  RegistryNameUniqueness1795610000000,
  RegistryKeyScope1795620000000,
  IdentityLifecycle1796300000000,
  McpSessionStore1796400000000,
  GlobalConfigVersion1796400000100,
  ToolTestCases1796400000200,
  UpstreamOauth1796400000300,
  SsoLogin1796400000400,
};

/** CORE migrations, in order. */
export const coreMigrations = [
  CoreSchema1795400000000,
  RegistryNameUniqueness1795610000000,
  RegistryKeyScope1795620000000,
  IdentityLifecycle1796300000000,
  McpSessionStore1796400000000,
  GlobalConfigVersion1796400000100,
  ToolTestCases1796400000200,
  UpstreamOauth1796400000300,
  SsoLogin1796400000400,
];
