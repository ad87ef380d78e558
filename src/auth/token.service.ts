import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CORE_DB } from '../database/roles';
import { TokenStore } from './token-store';

/** TokenStore over the core DataSource, as a Nest provider. */
@Injectable()
export class TokenService extends TokenStore {
  constructor(@InjectDataSource(CORE_DB) db: DataSource) {
    super(db);
  }
}
