import { CoreSchema1795400000000 } from './1795400000000-core-schema';

export { CoreSchema1795400000000 };

/** CORE migrations, in order. */
export const coreMigrations = [CoreSchema1795400000000];
