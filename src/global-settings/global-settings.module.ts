import { Module } from '@nestjs/common';
import { GlobalSettingsController } from './global-settings.controller';
import { GlobalSettingsService } from './global-settings.service';

/** Gateway-wide settings (global_config), cached by every replica. */
@Module({ controllers: [GlobalSettingsController], providers: [GlobalSettingsService], exports: [GlobalSettingsService] })
export class GlobalSettingsModule {}
