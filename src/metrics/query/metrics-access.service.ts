import { Injectable } from '@nestjs/common';
import { PERMISSIONS } from '../../auth/permissions';
import { Principal, RequestMeta } from '../../auth/principal';
import { resourceByPath } from '../../registry/registry-resource';
import { RegistryService } from '../../registry/registry.service';
import { MetricTable } from '../metric-tables';

/**
 * Metrics follow the registry's visibility rules without joining across databases: which
 * entities the caller may see is asked of core (RegistryService), the numbers of the metrics
 * database; the query then filters by those ids.
 */
@Injectable()
export class MetricsAccessService {
  constructor(private readonly registry: RegistryService) {}

  /**
   * 404, exactly as the registry answers, unless the caller may see the entity. Admins see
   * every id, entities deleted since (whose history stays) included.
   */
  async checkVisible(t: MetricTable, id: string, principal: Principal, meta: RequestMeta): Promise<void> {
    if (principal.unrestricted) return;
    await this.registry.findVisible(resourceByPath(t.path), principal, meta, id, PERMISSIONS.metricsRead);
  }

  /** Ids of the table's entity type the caller may see; null: all of them. */
  visibleIds(t: MetricTable, principal: Principal): Promise<string[] | null> {
    return this.registry.visibleIds(resourceByPath(t.path), principal);
  }
}
