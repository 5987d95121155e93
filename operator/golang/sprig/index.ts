/**
 * Sprig v3.3.0 TxtFuncMap (all 209+ names). The non-hermetic ones read the clock, variables and
 * randomness only through the given environment (../environment.ts).
 */
import type { TemplateEnvironment } from '../template/environment.js';
import type { FuncMap } from '../template/funcs.js';
import { certFuncs } from './certs.js';
import { collectionFuncs } from './collections.js';
import { cryptoFuncs } from './crypto.js';
import { mathFuncs } from './math.js';
import { miscFuncs } from './misc.js';
import { regexFuncs } from './regex.js';
import { semverFuncs } from './semver.js';
import { stringFuncs } from './strings.js';

export const sprigFuncs = (env: TemplateEnvironment): FuncMap => ({
  ...stringFuncs,
  ...mathFuncs(env),
  ...collectionFuncs,
  ...miscFuncs(env),
  ...regexFuncs,
  ...semverFuncs,
  ...cryptoFuncs(env),
  ...certFuncs(env),
});
