export { GoRegexp, GoRegexpSyntaxError } from './regexp.js';
export { translateGoRegexp, type Translated } from './translate.js';
