/** Injection token of the resolved DatabaseTopology. */
export const DATABASE_TOPOLOGY = Symbol('DATABASE_TOPOLOGY');
