import { CoreSchema1795400000000 } from './1795400000000-core-schema';
import { RegistryNameUniqueness1795610000000 } from './1795610000000-registry-name-uniqueness';
import { RegistryKeyScope1795620000000 } from './1795620000000-registry-key-scope';
import { IdentityLifecycle1796300000000 } from './1796300000000-identity-lifecycle';
import { McpSessionStore1796400000000 } from './1796400000000-mcp-session-store';

export {
  CoreSchema1795400000000,
  RegistryNameUniqueness1795610000000,
  RegistryKeyScope1795620000000,
  IdentityLifecycle1796300000000,
  McpSessionStore1796400000000,
};

/** CORE migrations, in order. */
export const coreMigrations = [
  CoreSchema1795400000000,
  RegistryNameUniqueness1795610000000,
  RegistryKeyScope1795620000000,
  IdentityLifecycle1796300000000,
  McpSessionStore1796400000000,
];
