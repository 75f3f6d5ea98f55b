import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * The Prometheus metrics of one server: request counts by operation, method and status, and
 * request latency, plus the Node process metrics, in a registry of its own.
 *
 * @example
 * ```ts
 * const m = createMetrics();
 * m.observe('getHealth', 'GET', 200, 0.002);
 * await m.registry.metrics();
 * ```
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'nguon_' });
  const requests = new Counter({
    name: 'nguon_http_requests_total',
    help: 'HTTP requests answered, by operationId, method and status',
    labelNames: ['operation', 'method', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'nguon_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by operationId and method',
    labelNames: ['operation', 'method'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return {
    registry,
    observe(operation: string, method: string, status: number, seconds: number) {
      requests.inc({ operation, method, status: String(status) });
      duration.observe({ operation, method }, seconds);
    },
  };
}
