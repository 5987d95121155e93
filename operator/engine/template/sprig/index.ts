/** Sprig v3.3.0 TxtFuncMap (all 209+ names). Non-hermetic functions are documented in misc.ts. */
import type { FuncMap } from '../funcs.js';
import { certFuncs } from './certs.js';
import { collectionFuncs } from './collections.js';
import { cryptoFuncs } from './crypto.js';
import { mathFuncs } from './math.js';
import { miscFuncs } from './misc.js';
import { regexFuncs } from './regex.js';
import { semverFuncs } from './semver.js';
import { stringFuncs } from './strings.js';

export const sprigFuncs: FuncMap = {
  ...stringFuncs,
  ...mathFuncs,
  ...collectionFuncs,
  ...miscFuncs,
  ...regexFuncs,
  ...semverFuncs,
  ...cryptoFuncs,
  ...certFuncs,
};
