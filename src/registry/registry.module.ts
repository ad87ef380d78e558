import { Module } from '@nestjs/common';
import { registryController } from './registry-controller.factory';
import { REGISTRY_RESOURCES } from './registry-resource';
import { RegistryService } from './registry.service';
import { ServerAssociationsController } from './server-associations.controller';
import { ServerAssociationsService } from './server-associations.service';

/** The registry REST API: the nine entity types through one generic CRUD, and server associations. */
@Module({
  controllers: [...REGISTRY_RESOURCES.map(registryController), ServerAssociationsController],
  providers: [RegistryService, ServerAssociationsService],
  exports: [RegistryService],
})
export class RegistryModule {}
