import { Global, Module } from '@nestjs/common';
import { RowWriter } from './row-writer';

/** The buffered COPY writer, one instance for every role. Imported once, by AppModule. */
@Global()
@Module({
  providers: [RowWriter],
  exports: [RowWriter],
})
export class WriterModule {}
