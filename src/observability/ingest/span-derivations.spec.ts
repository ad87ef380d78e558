import { operationName, RESOURCE_RULES, spanResource, templatePath } from './span-derivations';

const UUID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const HEX32 = 'a3c1e2f4b5d60718293a4b5c6d7e8f90';

describe('span derivations', () => {
  it('finds the entity a span is about from the gateways attributes', () => {
    const cases: Array<[Record<string, unknown>, ReturnType<typeof spanResource>]> = [
      [{ 'tool.id': HEX32, 'tool.name': 'weather', 'tool.integration_type': 'MCP' }, { type: 'tool', name: 'weather', id: HEX32 }],
      [{ 'gen_ai.tool.name': 'search' }, { type: 'tool', name: 'search', id: null }],
      [{ 'mcp.tool.name': 'x', 'contextforge.tool.id': UUID }, { type: 'tool', name: 'x', id: UUID }],
      [{ 'resource.uri': 'file:///a.txt', 'resource.id': '42', 'resource.name': 'a' }, { type: 'resource', name: 'a', id: '42' }],
      [{ 'mcp.resource.uri': 'db://t' }, { type: 'resource', name: 'db://t', id: null }],
      [{ 'prompt.id': UUID }, { type: 'prompt', name: null, id: UUID }],
      [{ 'gen_ai.prompt.name': 'greet' }, { type: 'prompt', name: 'greet', id: null }],
      [{ 'a2a.agent.id': 'x'.repeat(40), 'a2a.agent.name': 'helper' }, { type: 'a2a_agent', name: 'helper', id: null }],
      [{ 'http.route': '/rpc' }, { type: null, name: null, id: null }],
    ];
    for (const [attributes, expected] of cases) expect(spanResource(attributes)).toEqual(expected);
    expect(new Set(RESOURCE_RULES.map((r) => r.type)).size).toBe(RESOURCE_RULES.length);
  });

  it('templates ids in paths: UUIDs, numbers, hex; leaves words alone', () => {
    expect(templatePath(`/servers/${UUID}/mcp`)).toBe('/servers/{id}/mcp');
    expect(templatePath(`/servers/${HEX32}/mcp?session=1`)).toBe('/servers/{id}/mcp');
    expect(templatePath('/tools/12/versions/7')).toBe('/tools/{id}/versions/{id}');
    expect(templatePath('/commits/deadbeef01')).toBe('/commits/{id}');
    expect(templatePath('/rpc')).toBe('/rpc');
    expect(templatePath('/cafe/decade/facade')).toBe('/cafe/decade/facade');
  });

  it('names operations by method and route, templated; spans without a route keep their name', () => {
    expect(operationName(`POST /servers/${UUID}/mcp`, { 'http.route': `/servers/${UUID}/mcp`, 'http.request.method': 'POST' })).toBe(
      'POST /servers/{id}/mcp',
    );
    expect(operationName('POST', { 'http.route': '/servers/{server_id}/mcp', 'http.method': 'post' })).toBe('POST /servers/{server_id}/mcp');
    expect(operationName('handler', { 'http.route': '/items/5' })).toBe('/items/{id}');
    expect(operationName(`GET /servers/${UUID}`, {})).toBe('GET /servers/{id}');
    expect(operationName('tool.invoke', { 'tool.id': UUID })).toBe('tool.invoke');
    expect(operationName('x'.repeat(300), {})).toHaveLength(255);
  });
});
