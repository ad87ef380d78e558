import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckError, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { CORE_DB, OPTIONAL_ROLES, Role, ROLES } from '../database/roles';
import { OtlpGrpcReceiver } from '../otlp/otlp-grpc.receiver';
import { OtlpHttpPort } from '../otlp/otlp-http.port';
import { InjectRoleIndicators, RoleIndicators } from './health.constants';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    @InjectRoleIndicators() private readonly indicators: RoleIndicators,
    private readonly grpc: OtlpGrpcReceiver,
    private readonly otlpHttp: OtlpHttpPort,
  ) {}

  /** Liveness: the process answers. Touches no database, so a database outage never restarts pods. */
  @Get('live')
  live(): { status: 'ok'; uptime_seconds: number } {
    return { status: 'ok', uptime_seconds: Math.round(process.uptime()) };
  }

  /**
   * Readiness: 503 unless core answers. An optional database that is down is reported
   * (status stays 200, `degraded` lists it): its writes spool until it returns.
   */
  @Get('ready')
  @HealthCheck()
  async ready(): Promise<HealthCheckResult & { degraded: Role[] }> {
    const [result, optional] = await Promise.all([
      this.health.check([() => this.indicators[CORE_DB].check()]),
      Promise.all(OPTIONAL_ROLES.map((role) => this.indicators[role].check())),
    ]);
    const details = Object.assign({}, result.details, ...optional);
    const degraded = OPTIONAL_ROLES.filter((role) => details[role].status === 'down');
    return { ...result, details, degraded };
  }

  /**
   * Every role: up or down, latency, the database serving it and whether it falls back to core;
   * and each OTLP receiver that is configured (OTLP_GRPC_PORT, OTLP_HTTP_PORT): up while it listens.
   */
  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    const receivers: Array<[string, { configured: boolean; listening: boolean; port: number | null; inFlight: number; tls?: boolean }]> = [
      ['otlp_grpc', this.grpc.state()],
      ['otlp_http', this.otlpHttp.state()],
    ];
    return this.health.check([
      ...ROLES.map((role) => () => this.indicators[role].check()),
      ...receivers
        .filter(([, state]) => state.configured)
        .map(([name, { listening, port, inFlight, tls }]) => () => {
          const details = { status: listening ? 'up' : 'down', port, in_flight: inFlight, ...(tls === undefined ? {} : { tls }) } as const;
          if (!listening) throw new HealthCheckError(`${name} is not listening`, { [name]: details });
          return Promise.resolve({ [name]: details });
        }),
    ]);
  }
}
