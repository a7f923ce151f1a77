/**
 * The optional HTTP endpoint (`CELEB_HTTP_PORT`): `GET /healthz` (200 or 503 with a JSON
 * reason), `GET /metrics` (Prometheus text) and POST routes that adapters add (the Telegram
 * webhook). Plain node:http: three routes need no framework. It starts before the engine, so
 * a probe sees "starting" rather than a refused connection.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.js';
import { runChecks, type HealthCheck } from './health.js';
import type { Metrics } from './metrics.js';

export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

export interface OpsServerOptions {
  host: string;
  /** 0: any free port (see `port`). */
  port: number;
  metrics: Metrics;
  log: Logger;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

export class OpsServer {
  /** Named health checks; `/healthz` is 503 "starting" until one is added. */
  readonly checks = new Map<string, HealthCheck>();
  private readonly posts = new Map<string, RouteHandler>();
  private stopping = false;

  private constructor(
    private readonly server: http.Server,
    private readonly options: OpsServerOptions,
  ) {}

  static async start(options: OpsServerOptions): Promise<OpsServer> {
    const server = http.createServer();
    const ops = new OpsServer(server, options);
    server.on('request', (req, res) => {
      ops.handle(req, res).catch((error: unknown) => {
        options.log.error('http.handler_failed', error, { path: req.url?.split('?')[0] });
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        else res.destroy();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    options.log.info('http.listening', { host: options.host, port: ops.port });
    return ops;
  }

  /** The bound port (the configured one, or the one the system picked for 0). */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Adds a POST route at an exact path (the Telegram webhook). */
  post(path: string, handler: RouteHandler): void {
    this.posts.set(path, handler);
  }

  /** From now on `/healthz` says so (503 "stopping"), so a load balancer stops sending traffic. */
  markStopping(): void {
    this.stopping = true;
  }

  async close(): Promise<void> {
    this.server.closeIdleConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const post = this.posts.get(path);
    if (post) {
      if (req.method !== 'POST') return sendJson(res, 405, { error: 'POST only' });
      return post(req, res);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'GET only' });
    if (path === '/healthz') {
      if (this.stopping) return sendJson(res, 503, { status: 'unavailable', reason: 'stopping', checks: {} });
      const report = await runChecks(this.checks);
      return sendJson(res, report.status === 'ok' ? 200 : 503, report);
    }
    if (path === '/metrics') {
      const text = await this.options.metrics.text();
      res.writeHead(200, { 'content-type': this.options.metrics.contentType, 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    sendJson(res, 404, { error: 'not found' }); // the webhook's path is not listed: it is not for everybody
  }
}
