/** The time maintenance plans against. Injected so that tests can move it. */
export type Clock = () => Date;

export const PARTITION_CLOCK = Symbol('PARTITION_CLOCK');

export const systemClock: Clock = () => new Date();
