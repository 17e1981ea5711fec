import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AppMetrics } from './app-metrics';
import { GraphQLHooks, instrumentGraphQL } from './graphql-metrics';

/** Hooks the metrics into Mercurius once it is registered; roles without GraphQL have none. */
@Injectable()
export class GraphQLMetricsHook implements OnApplicationBootstrap {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: AppMetrics,
  ) {}

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter?.getInstance<{ graphql?: GraphQLHooks }>();
    if (server?.graphql) instrumentGraphQL(server.graphql, this.metrics);
  }
}
