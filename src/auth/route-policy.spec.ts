import { hasPermission } from './permissions';
import { routePolicy } from './route-policy';

const CLOSED = { statusPublic: false, metricsPublic: false };
const OPEN = { statusPublic: true, metricsPublic: true };

describe('routePolicy', () => {
  it('leaves probes and the OpenAPI document public', () => {
    expect(routePolicy('/health', 'GET', undefined, CLOSED)).toEqual({ public: true });
    expect(routePolicy('/health/ready', 'GET', undefined, CLOSED)).toEqual({ public: true });
    expect(routePolicy('/docs-json', 'GET', undefined, CLOSED)).toEqual({ public: true });
    expect(routePolicy('/healthz', 'GET', undefined, CLOSED)).toEqual({ public: false, permission: '*' });
  });

  it('guards /status unless STATUS_PUBLIC, also for routes added later', () => {
    expect(routePolicy('/status/database', 'GET', undefined, CLOSED)).toEqual({ public: false, permission: 'status.read' });
    expect(routePolicy('/status/anything/new', 'GET', undefined, CLOSED)).toEqual({ public: false, permission: 'status.read' });
    expect(routePolicy('/status/database', 'GET', undefined, OPEN)).toEqual({ public: true });
  });

  it('maps metrics routes to metrics.read / metrics.write', () => {
    expect(routePolicy('/api/v1/metrics/tools', 'GET', undefined, CLOSED)).toEqual({ public: false, permission: 'metrics.read' });
    expect(routePolicy('/api/v1/metrics/ingest', 'POST', undefined, CLOSED)).toEqual({ public: false, permission: 'metrics.write' });
  });

  it('uses the declared permission, and admin when none is declared', () => {
    expect(routePolicy('/api/v1/tools', 'GET', 'registry.read', CLOSED)).toEqual({ public: false, permission: 'registry.read' });
    expect(routePolicy('/api/v1/unknown', 'GET', undefined, CLOSED)).toEqual({ public: false, permission: '*' });
  });

  it('opens a route declared public, and lets any valid token through one declared authenticated', () => {
    expect(routePolicy('/api/v1/invitations/accept', 'POST', 'public', CLOSED)).toEqual({ public: true });
    expect(routePolicy('/api/v1/tokens', 'GET', 'authenticated', CLOSED)).toEqual({ public: false, permission: 'authenticated' });
    expect(hasPermission(new Set(), 'authenticated')).toBe(true);
    expect(hasPermission(new Set(['registry.read']), 'teams.read')).toBe(false);
    expect(hasPermission(new Set(['*']), 'teams.read')).toBe(true);
  });

  it('guards /metrics with an admin token unless METRICS_ENDPOINT_PUBLIC', () => {
    expect(routePolicy('/metrics', 'GET', undefined, CLOSED)).toEqual({ public: false, permission: '*' });
    expect(routePolicy('/metrics', 'GET', undefined, { statusPublic: false, metricsPublic: true })).toEqual({ public: true });
    expect(routePolicy('/metrics/other', 'GET', undefined, { statusPublic: false, metricsPublic: true })).toEqual({
      public: false,
      permission: '*',
    });
  });
});
