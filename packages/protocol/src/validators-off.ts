// Stands in for src/generated/validators.js and shapers.js in the browser build (dist/browser, the `browser` export
// condition): no validator accepts anything, so every message goes through zod, with the same
// results. It keeps about 9 KB gzip of generated code out of browser bundles, where a device
// verifies a few commands a minute; Node gets the fast path.
import type * as shapers from './generated/shapers';
import type * as generated from './generated/validators';

export const commandValidators: typeof generated.commandValidators = {};
export const eventValidators: typeof generated.eventValidators = {};
export const presence: typeof generated.presence = () => false;
export const commandShapers: typeof shapers.commandShapers = {};
export const eventShapers: typeof shapers.eventShapers = {};
export const presenceShaper: typeof shapers.presenceShaper = (value) => value;
