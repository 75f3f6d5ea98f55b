/**
 * Black-box harness for the `nguon device run` conformance suite, written from device protocol v1
 * and the user docs alone: an in-process aedes broker that records what every client does, a
 * stand-in source system built directly on mqtt.js and jose, a media server, and the device as a
 * real child process.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createRequire } from 'node:module';
import { type AddressInfo, createServer as createNetServer, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Aedes } from 'aedes';
import { CompactSign, compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import mqtt, { type MqttClient } from 'mqtt';

const BIN = fileURLToPath(new URL('../../src/bin.ts', import.meta.url));
const TSX = createRequire(import.meta.url).resolve('tsx');
const NODE_ARGS = ['--conditions=@nguon/source', '--import', TSX, BIN];

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitUntil<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** A ULID (48-bit time + 80 random bits, Crockford base32). */
export function ulid(time = Date.now()): string {
  let out = '';
  let t = time;
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[t % 32] + out;
    t = Math.floor(t / 32);
  }
  const rnd = randomBytes(16);
  for (let i = 0; i < 16; i++) out += CROCKFORD[(rnd[i] ?? 0) % 32];
  return out;
}

// ---------------------------------------------------------------------------------------------
// keys

/** Output of `nguon keys generate`. */
export interface GeneratedKey {
  kid: string;
  publicKey: string;
  privateKey: JWK;
}

/** Runs `nguon keys generate --kid KID` as a process and parses its JSON output. */
export function generateKey(kid: string): Promise<GeneratedKey> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...NODE_ARGS, 'keys', 'generate', '--kid', kid], (error, stdout, stderr) => {
      if (error) reject(new Error(`keys generate failed: ${stderr}`, { cause: error }));
      else resolve(JSON.parse(stdout) as GeneratedKey);
    });
  });
}

/** Signs an envelope as a compact EdDSA JWS with `kid` in the protected header. */
export async function signJws(
  payload: unknown,
  key: JWK,
  kid: string,
  extraHeader: Record<string, string> = {},
): Promise<string> {
  const privateKey = await importJWK(key, 'EdDSA');
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ ...extraHeader, alg: 'EdDSA', kid })
    .sign(privateKey);
}

/** Verifies a compact JWS against a raw Ed25519 public key (unpadded base64url); returns its payload. */
export async function verifyJws(jws: string, publicKey: string): Promise<{ kid?: string; payload: unknown }> {
  const key = await importJWK({ kty: 'OKP', crv: 'Ed25519', x: publicKey }, 'EdDSA');
  const { payload } = await compactVerify(jws, key);
  return { kid: decodeProtectedHeader(jws).kid, payload: JSON.parse(new TextDecoder().decode(payload)) };
}

// ---------------------------------------------------------------------------------------------
// broker

/** One PUBLISH the broker accepted (from a client, or a will). */
export interface BrokerPublish {
  at: number;
  clientId: string | null;
  topic: string;
  payload: Buffer;
  retain: boolean;
  qos: number;
}

/** One CONNECT the broker saw. */
export interface BrokerConnect {
  at: number;
  clientId: string;
  username: string | undefined;
  password: string | undefined;
  will: { topic: string; payload: Buffer; retain: boolean; qos: number } | undefined;
}

/** An aedes broker on a free port that records connects, subscriptions and publishes. */
export class RecordingBroker {
  readonly subscriptions: { at: number; clientId: string; topic: string }[] = [];
  readonly publishes: BrokerPublish[] = [];
  private constructor(
    readonly aedes: Aedes,
    private readonly server: NetServer,
    readonly url: string,
    readonly connects: BrokerConnect[],
    /** Client ids whose connections are refused (a network outage seen from the device). */
    readonly blocked: Set<string>,
  ) {}

  static async start(): Promise<RecordingBroker> {
    const connects: BrokerConnect[] = [];
    const blocked = new Set<string>();
    const aedes = await Aedes.createBroker({
      preConnect: (client, packet, done) => {
        if (blocked.has((packet as unknown as { clientId: string }).clientId)) {
          done(null, false);
          client.conn.destroy();
          return;
        }
        const p = packet as unknown as {
          clientId: string;
          username?: string;
          password?: Buffer;
          will?: { topic: string; payload: Buffer; retain: boolean; qos: number };
        };
        connects.push({
          at: Date.now(),
          clientId: p.clientId,
          username: p.username,
          password: p.password?.toString('utf8'),
          will: p.will ? { ...p.will, payload: Buffer.from(p.will.payload) } : undefined,
        });
        done(null, true);
      },
    });
    const server = createNetServer(aedes.handle as (socket: unknown) => void);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const broker = new RecordingBroker(aedes, server, `mqtt://127.0.0.1:${port}`, connects, blocked);
    aedes.on('subscribe', (subs, client) => {
      for (const s of subs)
        broker.subscriptions.push({ at: Date.now(), clientId: client.id, topic: s.topic });
    });
    aedes.on('publish', (packet, client) => {
      if (packet.topic.startsWith('$SYS')) return;
      broker.publishes.push({
        at: Date.now(),
        clientId: client ? client.id : null,
        topic: packet.topic,
        payload: Buffer.from(packet.payload as Buffer),
        retain: packet.retain,
        qos: packet.qos,
      });
    });
    return broker;
  }

  /** Drops a connected client from the broker side (as a network cut would): its will is published. */
  disconnect(clientId: string): boolean {
    const clients = (this.aedes as unknown as { clients: Record<string, { close(): void }> }).clients;
    const client = clients[clientId];
    if (!client) return false;
    client.close();
    return true;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.aedes.close(() => resolve()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Connects a fresh client, subscribes to `topic` and returns the retained message, if any. */
export async function readRetained(url: string, topic: string): Promise<unknown> {
  const client = await mqtt.connectAsync(url, {
    clientId: `probe-${ulid().toLowerCase()}`,
    reconnectPeriod: 0,
  });
  try {
    const got = new Promise<unknown>((resolve) => {
      client.on('message', (_t, payload, packet) => {
        if (packet.retain) resolve(JSON.parse(payload.toString('utf8')));
      });
      setTimeout(() => resolve(undefined), 1500);
    });
    await client.subscribeAsync(topic, { qos: 1 });
    return await got;
  } finally {
    await client.endAsync();
  }
}

// ---------------------------------------------------------------------------------------------
// system side

/** A device event as the system received it: the decoded envelope, and the raw text. */
export interface ReceivedEvent {
  at: number;
  topic: string;
  type: string;
  raw: string;
  /** Set when the payload was a compact JWS. */
  jws?: string;
  envelope: {
    v?: number;
    id?: string;
    type?: string;
    ts?: string;
    seq?: number;
    body?: Record<string, unknown>;
    [k: string]: unknown;
  };
}

function decodeEvent(raw: string): ReceivedEvent['envelope'] & { _jws?: string } {
  const text = raw.trim();
  if (text.startsWith('{')) return JSON.parse(text);
  const parts = text.split('.');
  if (parts.length !== 3) throw new Error(`event neither JSON nor compact JWS: ${text.slice(0, 80)}`);
  const payload = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8'));
  return { ...payload, _jws: text };
}

/** Options for an outgoing command envelope. */
export interface CommandOptions {
  id?: string;
  ts?: string | null;
  exp?: string | null;
  to?: string;
  v?: unknown;
  extra?: Record<string, unknown>;
  /** Extra protected-header parameters (unknown ones, to tune the JWS length). */
  header?: Record<string, string>;
}

/** A stand-in source system: signs and sends commands, records events, answers hello with welcome. */
export class System {
  readonly events: ReceivedEvent[] = [];
  /** When set, each hello is answered with a welcome built by this function. */
  welcomeBody: ((hello: ReceivedEvent) => Record<string, unknown>) | undefined;
  /** Added to the default `ts`/`exp` of commands: the system's clock ahead of the real one. */
  skewMs = 0;
  /** Every command published through `send`, by id: when it left. */
  readonly sent = new Map<string, number>();
  /** Envelope options of the automatic welcomes (e.g. an expired `exp`, P-H5). */
  welcomeOptions: CommandOptions = {};
  /** Welcomes sent in answer to a hello, in order. */
  readonly welcomes: { id: string; helloId: string; jws: string; at: number }[] = [];
  private constructor(
    readonly client: MqttClient,
    readonly province: string,
    readonly key: GeneratedKey,
  ) {}

  static async connect(url: string, province: string, key: GeneratedKey): Promise<System> {
    const client = await mqtt.connectAsync(url, { clientId: 'source-system', reconnectPeriod: 0 });
    const system = new System(client, province, key);
    client.on('message', (topic, payload) => {
      const raw = payload.toString('utf8');
      let env: ReturnType<typeof decodeEvent>;
      try {
        env = decodeEvent(raw);
      } catch {
        env = {};
      }
      const type = topic.split('/').pop() ?? '';
      const { _jws, ...envelope } = env;
      const event: ReceivedEvent = { at: Date.now(), topic, type, raw, envelope };
      if (_jws) event.jws = _jws;
      system.events.push(event);
      if (type === 'hello' && system.welcomeBody) {
        const deviceId = topic.split('/')[4] ?? '';
        const body = system.welcomeBody(event);
        void system.send(deviceId, 'welcome', body, system.welcomeOptions).then((sent) => {
          system.welcomes.push({
            id: sent.id,
            helloId: String(body.helloId),
            jws: sent.jws,
            at: sent.sentAt,
          });
        });
      }
    });
    await client.subscribeAsync(`nguon/v1/${province}/dev/+/evt/+`, { qos: 1 });
    return system;
  }

  cmdTopic(deviceId: string): string {
    return `nguon/v1/${this.province}/dev/${deviceId}/cmd`;
  }

  areaTopic(unit: string): string {
    return `nguon/v1/${this.province}/area/${unit}`;
  }

  /** Builds an envelope; `ts` defaults to now and `exp` to an hour later. */
  envelope(type: string, body: unknown, to: string, o: CommandOptions = {}): Record<string, unknown> {
    const now = Date.now() + this.skewMs;
    const env: Record<string, unknown> = { v: o.v ?? 1, id: o.id ?? ulid(), type };
    if (o.ts !== null) env.ts = o.ts ?? new Date(now).toISOString();
    if (o.exp !== null) env.exp = o.exp ?? new Date(now + 3600_000).toISOString();
    env.to = o.to ?? to;
    env.body = body;
    return { ...env, ...o.extra };
  }

  /** Signs a command with the system key (or `signer`) and returns `{id, jws}` without sending it. */
  async sign(
    deviceId: string,
    type: string,
    body: unknown,
    o: CommandOptions = {},
    signer: { key: JWK; kid: string } = { key: this.key.privateKey, kid: this.key.kid },
  ): Promise<{ id: string; jws: string }> {
    const env = this.envelope(type, body, `dev:${deviceId}`, o);
    return { id: env.id as string, jws: await signJws(env, signer.key, signer.kid, o.header) };
  }

  /** Signs and publishes a command on the device's `cmd` topic. */
  async send(
    deviceId: string,
    type: string,
    body: unknown,
    o: CommandOptions = {},
    signer?: { key: JWK; kid: string },
  ): Promise<{ id: string; jws: string; sentAt: number }> {
    const signed = await this.sign(deviceId, type, body, o, signer);
    const sentAt = Date.now();
    if (!this.sent.has(signed.id)) this.sent.set(signed.id, sentAt);
    await this.publish(this.cmdTopic(deviceId), signed.jws);
    return { ...signed, sentAt };
  }

  async publish(topic: string, payload: string | Buffer): Promise<void> {
    await this.client.publishAsync(topic, payload, { qos: 1 });
  }

  of(type: string, since = 0): ReceivedEvent[] {
    return this.events.filter((e) => e.type === type && e.at >= since);
  }

  /** Waits for the first event matching `pred` (looking at events already received too). */
  waitFor(pred: (e: ReceivedEvent) => boolean, timeoutMs: number, what: string): Promise<ReceivedEvent> {
    return waitUntil(() => this.events.find(pred), timeoutMs, what);
  }

  /** Waits for the ack whose body.ref is `ref`. */
  waitForAck(ref: string, timeoutMs = 6000): Promise<ReceivedEvent> {
    return this.waitFor((e) => e.type === 'ack' && e.envelope.body?.ref === ref, timeoutMs, `ack for ${ref}`);
  }

  acksFor(ref: string): ReceivedEvent[] {
    return this.events.filter((e) => e.type === 'ack' && e.envelope.body?.ref === ref);
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}

// ---------------------------------------------------------------------------------------------
// media

/** A PCM WAV file of `seconds` of a tone, 8 kHz, 8-bit mono. */
export function makeWav(seconds: number, pitch = 440): Buffer {
  const rate = 8000;
  const n = Math.round(seconds * rate);
  const buf = Buffer.alloc(44 + n);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + n, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate, 28);
  buf.writeUInt16LE(1, 32);
  buf.writeUInt16LE(8, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(n, 40);
  for (let i = 0; i < n; i++) buf[44 + i] = 128 + Math.round(60 * Math.sin((2 * Math.PI * pitch * i) / rate));
  return buf;
}

/** A media entry of a `bulletin.deliver` body. */
export interface MediaEntry {
  url: string;
  sha256: string;
  size: number;
  mime: string;
  durationSec: number;
  lang?: string;
}

/** Serves media over HTTP on a free port and logs every request (path, start, end). */
export class MediaServer {
  readonly requests: { path: string; at: number; endedAt?: number }[] = [];
  private readonly files = new Map<string, { body: Buffer; delayMs: number }>();
  private constructor(
    private readonly server: HttpServer,
    readonly base: string,
  ) {}

  static async start(): Promise<MediaServer> {
    let self: MediaServer | undefined;
    const server = createHttpServer((req, res) => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      const log: { path: string; at: number; endedAt?: number } = { path, at: Date.now() };
      self?.requests.push(log);
      const file = self?.files.get(path);
      if (!file) {
        res.statusCode = 404;
        res.end();
        return;
      }
      setTimeout(() => {
        res.setHeader('content-type', 'audio/wav');
        res.setHeader('content-length', String(file.body.length));
        res.end(file.body, () => {
          log.endedAt = Date.now();
        });
      }, file.delayMs);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    self = new MediaServer(server, `http://127.0.0.1:${port}`);
    return self;
  }

  /**
   * Adds a WAV at `path`. `sha256` in the returned entry is that of the bytes served, unless `lieAbout`
   * is given: then the entry announces the hash and size of `lieAbout` instead (an integrity fault).
   */
  add(
    path: string,
    seconds: number,
    o: { lang?: string; delayMs?: number; pitch?: number; lieAbout?: Buffer } = {},
  ): MediaEntry {
    const body = makeWav(seconds, o.pitch ?? 440);
    this.files.set(path, { body, delayMs: o.delayMs ?? 0 });
    const announced = o.lieAbout ?? body;
    const entry: MediaEntry = {
      url: `${this.base}${path}`,
      sha256: createHash('sha256').update(announced).digest('hex'),
      size: announced.length,
      mime: 'audio/wav',
      durationSec: seconds,
    };
    if (o.lang) entry.lang = o.lang;
    return entry;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

// ---------------------------------------------------------------------------------------------
// device process

/** One JSON line the device printed on stdout. */
export interface StdoutEvent {
  ts?: string;
  type: string;
  [k: string]: unknown;
}

/** The `device.json` of the reference device. */
export interface DeviceConfig {
  kind: 'radio' | 'board';
  deviceId: string;
  province: string;
  units: string[];
  mqtt: { url: string; username?: string; password?: string };
  trust: { kid: string; publicKey: string }[];
  privateKey: JWK;
  dataDir: string;
  player?: 'null' | 'command';
  [k: string]: unknown;
}

/** Makes a temporary folder holding a config file (and a data dir), returns the config path. */
export function writeConfig(config: Omit<DeviceConfig, 'dataDir'> & { dataDir?: string }): {
  dir: string;
  configPath: string;
  config: DeviceConfig;
} {
  const dir = mkdtempSync(join(tmpdir(), 'nguon-conf-'));
  const dataDir = config.dataDir ?? join(dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const full = { ...config, dataDir } as DeviceConfig;
  const configPath = join(dir, 'device.json');
  writeFileSync(configPath, JSON.stringify(full, null, 2));
  return { dir, configPath, config: full };
}

/** `nguon device run --config FILE` as a child process, with its stdout parsed line by line. */
export class DeviceProcess {
  readonly events: StdoutEvent[] = [];
  readonly badLines: string[] = [];
  stderr = '';
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private constructor(readonly child: ChildProcess) {
    let buffer = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      buffer += chunk;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (!line) continue;
        try {
          this.events.push(JSON.parse(line) as StdoutEvent);
        } catch {
          this.badLines.push(line);
        }
      }
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
  }

  static start(configPath: string): DeviceProcess {
    const child = spawn(process.execPath, [...NODE_ARGS, 'device', 'run', '--config', configPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new DeviceProcess(child);
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  waitFor(pred: (e: StdoutEvent) => boolean, timeoutMs: number, what: string): Promise<StdoutEvent> {
    return waitUntil(
      () => {
        const found = this.events.find(pred);
        if (found) return found;
        if (this.exit)
          throw new Error(
            `device exited (${JSON.stringify(this.exit)}) while waiting for ${what}: ${this.stderr}`,
          );
        return undefined;
      },
      timeoutMs,
      what,
    );
  }

  /** Sends `signal` and waits for the process to end. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000) {
    if (this.exit) return this.exit;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }

  wait() {
    return this.exited;
  }
}
