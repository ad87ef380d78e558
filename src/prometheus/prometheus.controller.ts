import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ScrapeService } from './scrape.service';

interface TextResponse {
  type(contentType: string): TextResponse;
  send(body: string): void;
}

@ApiTags('operations')
@Controller('metrics')
export class PrometheusController {
  constructor(private readonly scrape: ScrapeService) {}

  /** Prometheus text exposition (admin token unless METRICS_ENDPOINT_PUBLIC; see also METRICS_PORT). */
  @Get()
  @ApiOperation({ summary: 'Prometheus metrics' })
  @ApiProduces('text/plain')
  async metrics(@Res() res: TextResponse): Promise<void> {
    res.type(this.scrape.contentType).send(await this.scrape.render());
  }
}
