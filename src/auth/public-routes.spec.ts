import { matchesRoute, routePattern } from './public-routes';

describe('routePattern', () => {
  it('matches as the router does: letter case ignored, trailing slash allowed, a parameter one segment', () => {
    const p = routePattern('api/v1/invitations/accept');
    expect(p.test('/api/v1/invitations/accept')).toBe(true);
    expect(p.test('/API/V1/Invitations/Accept/')).toBe(true);
    expect(p.test('/api/v1/invitations/accept/more')).toBe(false);
    expect(p.test('/api/v1/invitations/acceptx')).toBe(false);
    const q = routePattern('/auth/sso/:provider/login');
    expect(q.test('/auth/sso/okta/login')).toBe(true);
    expect(q.test('/auth/sso/a/b/login')).toBe(false);
  });

  it('takes a route by method and path', () => {
    const routes = [{ method: 'POST', pattern: routePattern('api/v1/invitations/accept') }];
    expect(matchesRoute(routes, 'post', '/api/v1/invitations/accept')).toBe(true);
    expect(matchesRoute(routes, 'GET', '/api/v1/invitations/accept')).toBe(false);
  });
});
