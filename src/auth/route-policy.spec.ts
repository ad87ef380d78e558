import { routePolicy } from './route-policy';

describe('routePolicy', () => {
  it('leaves probes and the OpenAPI document public', () => {
    expect(routePolicy('/health', 'GET', undefined, false)).toEqual({ public: true });
    expect(routePolicy('/health/ready', 'GET', undefined, false)).toEqual({ public: true });
    expect(routePolicy('/docs-json', 'GET', undefined, false)).toEqual({ public: true });
    expect(routePolicy('/healthz', 'GET', undefined, false)).toEqual({ public: false, permission: '*' });
  });

  it('guards /status unless STATUS_PUBLIC, also for routes added later', () => {
    expect(routePolicy('/status/database', 'GET', undefined, false)).toEqual({ public: false, permission: 'status.read' });
    expect(routePolicy('/status/anything/new', 'GET', undefined, false)).toEqual({ public: false, permission: 'status.read' });
    expect(routePolicy('/status/database', 'GET', undefined, true)).toEqual({ public: true });
  });

  it('maps metrics routes to metrics.read / metrics.write', () => {
    expect(routePolicy('/api/v1/metrics/tools', 'GET', undefined, false)).toEqual({ public: false, permission: 'metrics.read' });
    expect(routePolicy('/api/v1/metrics/ingest', 'POST', undefined, false)).toEqual({ public: false, permission: 'metrics.write' });
  });

  it('uses the declared permission, and admin when none is declared', () => {
    expect(routePolicy('/api/v1/tools', 'GET', 'registry.read', false)).toEqual({ public: false, permission: 'registry.read' });
    expect(routePolicy('/api/v1/unknown', 'GET', undefined, false)).toEqual({ public: false, permission: '*' });
  });
});
