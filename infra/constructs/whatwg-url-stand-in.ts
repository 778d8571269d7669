import { URL } from 'node:url';

/**
 * Stands in for `whatwg-url` in the Lambda bundles (`alias` in LAMBDA_BUNDLING). telegraf's node-fetch 2
 * imports it but takes Node's own `URL` whenever there is one, which on Node 22 is always; the package
 * and its tr46 table were a sixth of the bot's bundle, and tr46's `require('punycode')` printed a
 * deprecation warning at every cold start.
 */
export default { URL };
