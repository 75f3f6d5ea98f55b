// Stands in for src/generated/bulletin-validator.js and bulletin-shaper.js in the browser build
// (dist/browser, the `browser` export condition): the validator accepts nothing, so every bulletin
// goes through zod, with the same results. It keeps about 5 KB gzip of generated code out of browser
// bundles (devices and boards import this package for other things); Node gets the fast path.
import type * as shaper from './generated/bulletin-shaper';
import type * as validator from './generated/bulletin-validator';

export const validate: typeof validator.validate = () => false;
export const shapeBulletin: typeof shaper.shapeBulletin = (value) => value;
export const NOT_JSON: typeof shaper.NOT_JSON = Symbol('not plain JSON') as typeof shaper.NOT_JSON;
