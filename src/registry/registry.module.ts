import { Module } from '@nestjs/common';
import { registryController } from './registry-controller.factory';
import { REGISTRY_RESOURCES } from './registry-resource';
import { RegistryService } from './registry.service';
import { ServerAssociationsController } from './server-associations.controller';
import { ServerAssociationsService } from './server-associations.service';
import { ToolTestCasesController } from './tool-test-cases.controller';
import { ToolTestCasesService } from './tool-test-cases.service';

/** The registry REST API: the nine entity types through one generic CRUD, and server associations. */
@Module({
  controllers: [...REGISTRY_RESOURCES.map(registryController), ServerAssociationsController, ToolTestCasesController],
  providers: [RegistryService, ServerAssociationsService, ToolTestCasesService],
  exports: [RegistryService],
})
export class RegistryModule {}
