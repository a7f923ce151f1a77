// The WebSocket half of the fake Discord: HELLO, IDENTIFY -> READY (+ GUILD_CREATE),
// heartbeats and dispatches. Plain JSON text frames, no compression: discord.js only asks for
// zlib-stream when the optional zlib-sync package is installed, and it is not.
// Sharded like Discord: with `shards` > 1 every IDENTIFY must name its shard [id, shards],
// a session gets the guilds of its shard, and a guild's events go only to the session of
// shard (guild_id >> 22) % shards (DMs to shard 0).
import type http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { GatewayCloseCodes, GatewayDispatchEvents, GatewayOpcodes, type GatewayGuildCreateDispatchData, type GatewayReadyDispatchData } from 'discord.js';
import { CallLog } from './call-log.js';

/** A payload the client sent us, or a connection event, in arrival order. */
export type GatewayEvent =
  | { kind: 'connect'; query: Record<string, string> }
  | { kind: 'receive'; op: GatewayOpcodes; d: unknown }
  | { kind: 'close'; code: number }
  /** A dispatch sent to the client of `shard`. */
  | { kind: 'dispatch'; shard: number; t: string };

export type GatewayOptions = {
  path: string;
  token: string;
  heartbeatIntervalMs: number;
  /** Shards the bot must connect (GET /gateway/bot says so too). */
  shards: number;
  /** Builds READY for a new session of `shard`; called at IDENTIFY time so it sees the current state. */
  ready: (sessionId: string, shard: number) => GatewayReadyDispatchData;
  /** The guilds of `shard`. */
  guilds: (shard: number) => GatewayGuildCreateDispatchData[];
};

type Session = { socket: WebSocket; sequence: number; identified: boolean; shard: number };

/** The shard whose session gets a guild's events, as Discord computes it. */
export function shardOfGuild(guildId: string, shards: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shards));
}

export class FakeGateway {
  readonly events = new CallLog<GatewayEvent>();
  private readonly wss: WebSocketServer;
  private readonly sessions = new Set<Session>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private nextSession = 1;

  constructor(
    server: http.Server,
    private readonly options: GatewayOptions,
  ) {
    this.wss = new WebSocketServer({ server, path: options.path });
    this.wss.on('connection', (socket, req) => this.accept(socket, req));
  }

  /** True once a client has identified; dispatches need one. */
  get hasSession(): boolean {
    return [...this.sessions].some((s) => s.identified);
  }

  /** Sends a dispatch (op 0) to the identified client of the shard it belongs to (its guild's, or 0). */
  dispatch(event: GatewayDispatchEvents, data: unknown): void {
    const guildId = (data as { guild_id?: unknown } | null)?.guild_id;
    const shard = typeof guildId === 'string' ? shardOfGuild(guildId, this.options.shards) : 0;
    const ready = [...this.sessions].filter((s) => s.identified && s.shard === shard);
    if (ready.length === 0) throw new Error(`fake discord: no identified gateway client of shard ${shard} to receive ${event}; log in first`);
    for (const session of ready) {
      this.events.record({ kind: 'dispatch', shard, t: event });
      this.send(session, { op: GatewayOpcodes.Dispatch, t: event, s: ++session.sequence, d: data });
    }
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    // terminate() rather than close(): a client that is still logged in would answer a polite
    // close by reconnecting. Tests should destroy their clients before stopping the fake.
    for (const { socket } of this.sessions) socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private accept(socket: WebSocket, req: http.IncomingMessage): void {
    const query = Object.fromEntries(new URL(req.url ?? '/', 'http://fake.local').searchParams);
    this.events.record({ kind: 'connect', query });
    const session: Session = { socket, sequence: 0, identified: false, shard: 0 };
    this.sessions.add(session);
    socket.on('close', (code) => {
      this.sessions.delete(session);
      this.events.record({ kind: 'close', code });
    });
    // @discordjs/ws connects with ?v=10&encoding=json (and &compress=zlib-stream if zlib-sync is
    // installed). Refuse anything else with a close code discord.js treats as fatal, instead of
    // sending frames it cannot decode and watching it reconnect forever.
    if (query.v !== '10' || query.encoding !== 'json' || query.compress !== undefined) {
      socket.close(GatewayCloseCodes.InvalidAPIVersion, 'fake gateway speaks only v=10, encoding=json, no compression');
      return;
    }
    socket.on('message', (data, isBinary) => {
      if (isBinary) return; // We never offered a binary encoding.
      // JSON.parse gives `any`; every gateway payload has this envelope, and `d` stays unknown.
      const payload = JSON.parse(
        Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8'),
      ) as { op: GatewayOpcodes; d: unknown };
      this.events.record({ kind: 'receive', op: payload.op, d: payload.d });
      this.onPayload(session, payload.op, payload.d);
    });
    this.send(session, { op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.options.heartbeatIntervalMs } });
  }

  private onPayload(session: Session, op: GatewayOpcodes, d: unknown): void {
    switch (op) {
      case GatewayOpcodes.Heartbeat:
        this.send(session, { op: GatewayOpcodes.HeartbeatAck });
        return;
      case GatewayOpcodes.Identify: {
        const { token, shard } = (d ?? {}) as { token?: unknown; shard?: unknown };
        if (token !== this.options.token) {
          session.socket.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
          return;
        }
        const [id, count] = Array.isArray(shard) ? (shard as unknown[]) : [0, 1];
        if (count !== this.options.shards) {
          session.socket.close(GatewayCloseCodes.ShardingRequired, `Sharding required: ${this.options.shards} shards.`);
          return;
        }
        if (typeof id !== 'number' || id < 0 || id >= this.options.shards) {
          session.socket.close(GatewayCloseCodes.InvalidShard, 'Invalid shard.');
          return;
        }
        session.identified = true;
        session.shard = id;
        const ready = this.options.ready(`fake-session-${this.nextSession++}`, id);
        this.send(session, { op: GatewayOpcodes.Dispatch, t: GatewayDispatchEvents.Ready, s: ++session.sequence, d: ready });
        // Real Discord streams GUILD_CREATEs some time after READY. @discordjs/ws handles each frame
        // asynchronously, so frames arriving in one TCP chunk could in principle overtake each other
        // (GUILD_CREATE before READY would make discord.js "ready" without client.user). Not seen in
        // practice, but a short pause keeps the real order for free.
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          for (const guild of this.options.guilds(session.shard)) {
            this.send(session, { op: GatewayOpcodes.Dispatch, t: GatewayDispatchEvents.GuildCreate, s: ++session.sequence, d: guild });
          }
        }, 20);
        this.timers.add(timer);
        return;
      }
      case GatewayOpcodes.Resume:
        // Sessions are not kept, so ask for a fresh IDENTIFY (op 9, d=false), as Discord does for expired sessions.
        this.send(session, { op: GatewayOpcodes.InvalidSession, d: false });
        return;
      default:
        // Presence updates, member requests, ...: recorded above, otherwise ignored.
        return;
    }
  }

  private send(session: Session, payload: { op: GatewayOpcodes; d?: unknown; t?: string; s?: number }): void {
    if (session.socket.readyState === session.socket.OPEN) {
      session.socket.send(JSON.stringify({ t: null, s: null, d: null, ...payload }));
    }
  }
}
