// What the browser smoke test loads: the SDK's public entry, exposed on `window`.
import * as sdk from '../index';

(globalThis as unknown as { nguonSdk: typeof sdk }).nguonSdk = sdk;
