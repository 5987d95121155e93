export { GoRegexp, GoRegexpSyntaxError, quoteMeta } from './regexp.js';
export { translateGoRegexp, type Translated } from './translate.js';
