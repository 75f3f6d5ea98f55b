import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeBackend } from '@nguon/protocol/node';
import type { PlayoutAdapter } from './adapters';
import { DeviceClient, type DeviceLogger } from './client';
import { FileStore } from './file-store';
import { FileBlobStore } from './media/node';
import type { DeviceRunConfig } from './run-config';

/**
 * Builds a {@link DeviceClient} for Node from a reference device configuration: state in
 * `{dataDir}/state` (a {@link FileStore}), media in `{dataDir}/media` (a `FileBlobStore`), signatures
 * checked with `node:crypto`, the broker's CA read from `mqtt.caFile`. `dataDir` and `caFile` are used
 * as given (resolve them first).
 *
 * @example
 * ```ts
 * const device = createNodeDevice(parseDeviceRunConfig(json), { adapter: new NullAdapter({ kind: 'radio' }) });
 * await device.start();
 * ```
 */
export function createNodeDevice(
  config: DeviceRunConfig,
  options: { adapter: PlayoutAdapter; logger?: DeviceLogger; fetch?: typeof fetch },
): DeviceClient {
  const { mqtt } = config;
  return new DeviceClient({
    deviceId: config.deviceId,
    province: config.province,
    kind: config.kind,
    units: config.units,
    mqtt: {
      url: mqtt.url,
      ...(mqtt.username === undefined ? {} : { username: mqtt.username }),
      ...(mqtt.password === undefined ? {} : { password: mqtt.password }),
      ...(mqtt.protocolVersion === undefined ? {} : { protocolVersion: mqtt.protocolVersion }),
      ...(mqtt.caFile === undefined ? {} : { ca: readFileSync(mqtt.caFile) }),
    },
    trust: config.trust,
    ...(config.trustVersion === undefined ? {} : { trustVersion: config.trustVersion }),
    privateKey: config.privateKey,
    ...(config.keyId === undefined ? {} : { keyId: config.keyId }),
    store: new FileStore(join(config.dataDir, 'state')),
    blobs: new FileBlobStore(join(config.dataDir, 'media')),
    ...(config.mediaLimitBytes === undefined ? {} : { mediaLimitBytes: config.mediaLimitBytes }),
    adapter: options.adapter,
    vendor: config.vendor ?? 'nguon',
    model: config.model ?? `reference-${config.kind}`,
    firmware: config.firmware ?? '0.1.0',
    verifyBackend: nodeBackend,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
}
