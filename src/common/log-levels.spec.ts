import { LEVEL_NAMES, pinoLevel, STORED_LEVELS, storedLevel, storedLevelOfNumber } from './log-levels';

describe('log levels: one vocabulary', () => {
  it('pino names and stored names are the same levels', () => {
    expect(['warn', 'warning', 'WARN'].map(storedLevel)).toEqual(['warning', 'warning', 'warning']);
    expect(['fatal', 'critical'].map(storedLevel)).toEqual(['critical', 'critical']);
    expect(['trace', 'debug'].map(storedLevel)).toEqual(['debug', 'debug']);
    expect(['warning', 'critical', 'trace', 'info'].map(pinoLevel)).toEqual(['warn', 'fatal', 'trace', 'info']);
  });

  it('every accepted name maps both ways, and nothing else does', () => {
    for (const name of LEVEL_NAMES) {
      expect(STORED_LEVELS).toContain(storedLevel(name));
      expect(storedLevel(pinoLevel(name)!)).toBe(storedLevel(name));
    }
    for (const bad of ['verbose', 'constructor', '__proto__', 'toString', '']) {
      expect(storedLevel(bad)).toBeUndefined();
      expect(pinoLevel(bad)).toBeUndefined();
    }
  });

  it("pino's numbers map to the stored names", () => {
    expect([10, 20, 30, 40, 50, 60].map(storedLevelOfNumber)).toEqual(['debug', 'debug', 'info', 'warning', 'error', 'critical']);
  });
});
