// Generates the JSON Schema (draft 2020-12) of every message and the AsyncAPI 3.0 document of the
// topics into schema/, from the zod catalogue in src/messages.ts. Run `npm run generate -w @nguon/protocol`
// after changing the catalogue; a test fails while the committed files differ from a fresh run.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as z from 'zod/mini';
import {
  COMMAND_SCHEMAS,
  COMMAND_TYPES,
  type CommandType,
  commandSchema,
  EVENT_SCHEMAS,
  envelopeSchema,
  eventSchema,
  presenceSchema,
} from '../src/messages';
import { EVENT_TYPES, type EventType } from '../src/topics';

type JsonObject = Record<string, unknown>;

const ID_ROOT = 'urn:nguon:protocol:1';

function jsonSchema(schema: z.ZodMiniType, id: string): JsonObject {
  // io 'input': fields with defaults are optional and unknown fields stay allowed (P-E1).
  const generated = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'throw',
  }) as JsonObject;
  const { $schema, ...rest } = generated;
  return { $schema, $id: `${ID_ROOT}:${id}`, ...rest };
}

/** Every JSON Schema file, by path under schema/json/. */
export function generateJsonSchemas(): Map<string, JsonObject> {
  const files = new Map<string, JsonObject>();
  files.set('envelope.schema.json', jsonSchema(envelopeSchema, 'envelope'));
  files.set(
    'command.schema.json',
    jsonSchema(
      commandSchema.check(z.meta({ title: 'command', description: 'Any command (system → device)' })),
      'command',
    ),
  );
  files.set(
    'event.schema.json',
    jsonSchema(
      eventSchema.check(z.meta({ title: 'event', description: 'Any device event (device → system)' })),
      'event',
    ),
  );
  files.set('presence.schema.json', jsonSchema(presenceSchema, 'presence'));
  for (const type of COMMAND_TYPES)
    files.set(`command/${type}.schema.json`, jsonSchema(COMMAND_SCHEMAS[type], `command:${type}`));
  for (const type of EVENT_TYPES)
    files.set(`event/${type}.schema.json`, jsonSchema(EVENT_SCHEMAS[type], `event:${type}`));
  return files;
}

const QOS1 = { mqtt: { qos: 1, retain: false, bindingVersion: '0.2.0' } };

const COMMAND_SUMMARIES: Record<CommandType, string> = {
  welcome: 'Answer to hello: configuration, trust anchors and server time (P-H3, P-H5).',
  'bulletin.deliver': 'Deliver a bulletin: fetch and verify its media, schedule its playout.',
  'bulletin.revoke': 'Revoke a bulletin: stop it now if it plays, drop it.',
  'playback.stop': 'Stop whatever plays.',
  'live.start': 'Relay a live source (HLS or Icecast).',
  'live.stop': 'Stop the live relay.',
  'config.set': 'Apply a partial configuration.',
  'keys.update': 'Replace the trust anchors (P-S3).',
  'receipts.commit': 'Forget receipts up to and including upTo (P-R2).',
  'device.ping': 'Answer with an ack carrying deviceTime.',
  'device.selftest': 'Test speakers or screen; report through status and alarm.',
};

const EVENT_SUMMARIES: Record<EventType, string> = {
  hello: 'Published after subscribing, on every connection (P-H2).',
  status: 'Heartbeat every heartbeatSec and on every state change (P-H4). MAY use QoS 0.',
  ack: 'Answer to every command within 5 s (P-M3, P-M2).',
  receipt: 'Proof of play, a JWS signed by the device key (P-R1, P-S4).',
  alarm: 'A fault the system should know about (§9).',
};

function componentSchema(schema: z.ZodMiniType): JsonObject {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
  }) as JsonObject;
  return rest;
}

/** The AsyncAPI 3.0 document, seen from a device (it receives commands, sends events and presence). */
export function generateAsyncApi(): JsonObject {
  const schemas: JsonObject = {};
  const messages: JsonObject = {};
  const ref = (path: string) => ({ $ref: path });
  for (const type of COMMAND_TYPES) {
    schemas[`command.${type}`] = componentSchema(COMMAND_SCHEMAS[type]);
    messages[type] = {
      name: type,
      title: type,
      summary: COMMAND_SUMMARIES[type],
      description:
        'Sent as a JWS Compact Serialization (RFC 7515, alg EdDSA, header {"alg":"EdDSA","kid":…}); the payload schema describes the decoded JWS payload. Verify before acting (P-S1, P-S2).',
      contentType: 'application/jose',
      payload: ref(`#/components/schemas/command.${type}`),
    };
  }
  for (const type of EVENT_TYPES) {
    schemas[`event.${type}`] = componentSchema(EVENT_SCHEMAS[type]);
    messages[`event.${type}`] = {
      name: type,
      title: type,
      summary: EVENT_SUMMARIES[type],
      contentType: type === 'receipt' ? 'application/jose' : 'application/json',
      ...(type === 'receipt'
        ? {
            description:
              'Sent as a JWS signed by the device key (kid = deviceId); the payload schema describes the decoded JWS payload.',
          }
        : {}),
      payload: ref(`#/components/schemas/event.${type}`),
    };
  }
  schemas.presence = componentSchema(presenceSchema);
  messages.presence = {
    name: 'presence',
    title: 'presence',
    summary: 'Retained presence; the MQTT will carries online:false and the same session (P-H1).',
    contentType: 'application/json',
    payload: ref('#/components/schemas/presence'),
  };

  const p = {
    description: 'GSO code of the province that runs the source system (2 digits), e.g. 52',
    examples: ['52'],
  };
  const deviceId = {
    description: 'Device id, ^[a-z0-9][a-z0-9-]{2,63}$ (P-T2)',
    examples: ['loa-52001-001'],
  };
  const unitCode = {
    description: 'GSO code of an administrative unit: 2, 3 or 5 digits (P-X10)',
    examples: ['52', '52001'],
  };
  const commandMessages = Object.fromEntries(
    COMMAND_TYPES.map((type) => [type, ref(`#/components/messages/${type}`)]),
  );

  const channels: JsonObject = {
    deviceCommands: {
      address: 'nguon/v1/{p}/dev/{deviceId}/cmd',
      title: 'Commands to one device',
      description: 'Signed commands for one device, including area bulletins re-sent after welcome (P-H3).',
      parameters: { p, deviceId },
      messages: commandMessages,
    },
    areaCommands: {
      address: 'nguon/v1/{p}/area/{unitCode}',
      title: 'Commands to every device of a unit',
      description:
        'One publish reaches every device of the unit (P-TP3); devices subscribe for each unit they lie in (P-TP1).',
      parameters: { p, unitCode },
      messages: commandMessages,
    },
    presence: {
      address: 'nguon/v1/{p}/dev/{deviceId}/presence',
      title: 'Presence',
      description: 'Retained; also the MQTT will (P-H1).',
      parameters: { p, deviceId },
      messages: { presence: ref('#/components/messages/presence') },
    },
  };
  for (const type of EVENT_TYPES) {
    channels[`${type}Events`] = {
      address: `nguon/v1/{p}/dev/{deviceId}/evt/${type}`,
      title: `${type} events`,
      parameters: { p, deviceId },
      messages: { [type]: ref(`#/components/messages/event.${type}`) },
    };
  }

  const operations: JsonObject = {
    receiveDeviceCommands: {
      action: 'receive',
      title: 'Receive commands on the device topic',
      channel: ref('#/channels/deviceCommands'),
      bindings: QOS1,
    },
    receiveAreaCommands: {
      action: 'receive',
      title: 'Receive commands on each area topic',
      channel: ref('#/channels/areaCommands'),
      bindings: QOS1,
    },
    sendPresence: {
      action: 'send',
      title: 'Publish presence (retained) on connect; set it as the will',
      channel: ref('#/channels/presence'),
      bindings: { mqtt: { qos: 1, retain: true, bindingVersion: '0.2.0' } },
    },
  };
  for (const type of EVENT_TYPES) {
    operations[`send${type[0]?.toUpperCase()}${type.slice(1)}`] = {
      action: 'send',
      title: `Publish ${type}`,
      channel: ref(`#/channels/${type}Events`),
      bindings: QOS1,
    };
  }

  return {
    asyncapi: '3.0.0',
    id: `${ID_ROOT}:asyncapi`,
    info: {
      title: 'nguon device protocol',
      version: '1.0.0',
      description:
        'MQTT protocol between a provincial source system (Hệ thống thông tin nguồn cấp tỉnh) and IP loudspeaker clusters and electronic bulletin boards. Seen from a device: it receives signed commands and sends events. Rule ids (P-…) refer to the protocol document of @nguon/protocol.',
      license: { name: 'MIT' },
    },
    defaultContentType: 'application/json',
    servers: {
      broker: {
        host: 'localhost:1883',
        protocol: 'mqtt',
        description:
          'Any standard MQTT 3.1.1 or 5.0 broker: TCP 1883, TLS 8883 (protocol mqtts) or WebSocket for browser boards (P-T1).',
      },
    },
    channels,
    operations,
    components: { schemas, messages },
  };
}

/** Every generated file, by path under schema/, as the exact text written. */
export function generateDocuments(): Map<string, string> {
  const out = new Map<string, string>();
  for (const [path, schema] of generateJsonSchemas())
    out.set(`json/${path}`, `${JSON.stringify(schema, null, 2)}\n`);
  out.set('asyncapi.json', `${JSON.stringify(generateAsyncApi(), null, 2)}\n`);
  return out;
}

async function main(): Promise<void> {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'schema');
  rmSync(join(root, 'json'), { recursive: true, force: true });
  for (const [path, text] of generateDocuments()) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  process.stdout.write(`wrote ${readdirSync(root, { recursive: true }).length} entries to schema/\n`);
  // Imported here, not at the top: validator-source.ts imports this module.
  const { validatorsSource, validatorsTypes } = await import('./validator-source');
  const generated = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'generated');
  mkdirSync(generated, { recursive: true });
  writeFileSync(join(generated, 'validators.js'), validatorsSource());
  writeFileSync(join(generated, 'validators.d.ts'), validatorsTypes);
  const { shapersSource, shapersTypes } = await import('./shaper-source');
  writeFileSync(join(generated, 'shapers.js'), shapersSource());
  writeFileSync(join(generated, 'shapers.d.ts'), shapersTypes);
  process.stdout.write('wrote src/generated/validators.js, shapers.js and their .d.ts\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href)
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
