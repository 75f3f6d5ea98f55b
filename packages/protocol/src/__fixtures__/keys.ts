// Test keys, published on purpose so that the README's worked example can be reproduced byte for
// byte. Never use them for a real device or source system.
import type { JWK } from 'jose';

export const SYSTEM_KID = 'gl-test-2026-1';
export const SYSTEM_PRIVATE_JWK: JWK = {
  kty: 'OKP',
  crv: 'Ed25519',
  d: '8MNrr2uYC9mqjglV6I4TpDJrnYZZtk35AWI0YrMIiHA',
  x: 'pycXa-6Ts3XmkK6hakRJZHxasvU0M0yAyj_5-oM7NEM',
};
export const SYSTEM_ANCHOR = { kid: SYSTEM_KID, publicKey: 'pycXa-6Ts3XmkK6hakRJZHxasvU0M0yAyj_5-oM7NEM' };

export const DEVICE_ID = 'loa-52001-001';
export const DEVICE_KID = DEVICE_ID;
export const DEVICE_PRIVATE_JWK: JWK = {
  kty: 'OKP',
  crv: 'Ed25519',
  d: 'sUl7yM9OZ6Aeg-D_VkVRYVv23eHqvvjGyZPytMuk5Cs',
  x: 'zbLEnYrYaKy8lehN-r79p9MpuFcJeUCJM2oTTDoDs7Q',
};
export const DEVICE_ANCHOR = { kid: DEVICE_KID, publicKey: 'zbLEnYrYaKy8lehN-r79p9MpuFcJeUCJM2oTTDoDs7Q' };
