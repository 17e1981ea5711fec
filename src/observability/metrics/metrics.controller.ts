import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../eventsourcing/tokens';
import { AppMetrics } from './app-metrics';

/** The Prometheus scrape endpoint; with METRICS_TOKEN set, only for `Authorization: Bearer <it>`. */
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: AppMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const token = this.config.metricsToken;
    if (token !== undefined && !sameSecret(bearerToken(authorization), token)) {
      void reply.status(401).header('www-authenticate', 'Bearer').type('text/plain; charset=utf-8');
      return 'A bearer token is needed for /metrics.\n';
    }
    void reply.type(this.metrics.registry.contentType);
    return this.metrics.scrape();
  }
}

/** The credentials of an `Authorization: Bearer …` header, the scheme in any letter case. */
const bearerToken = (authorization: string | undefined): string =>
  /^bearer +(.*)$/i.exec(authorization ?? '')?.[1] ?? '';

/** Compared as digests, so that neither the length nor the content leaks through timing. */
const sameSecret = (given: string, expected: string): boolean =>
  timingSafeEqual(digest(given), digest(expected));

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
