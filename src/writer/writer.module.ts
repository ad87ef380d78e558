import { Global, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { RowWriter } from './row-writer';
import { WriterFullFilter } from './writer-full.filter';

/** The buffered COPY writer, one instance for every role. Imported once, by AppModule. */
@Global()
@Module({
  providers: [RowWriter, { provide: APP_FILTER, useClass: WriterFullFilter }],
  exports: [RowWriter],
})
export class WriterModule {}
