// Lets Node 24 run the repo's TypeScript directly (`node --import ./hack/lib/ts-hooks.mjs x.ts`):
// Node strips the types itself; this hook only maps the `.js` suffix of relative imports (the
// NodeNext convention used throughout the repo) to the `.ts` file next to it when no .js exists.
import { registerHooks } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (
      (specifier.startsWith('./') || specifier.startsWith('../')) &&
      specifier.endsWith('.js') &&
      context.parentURL
    ) {
      const jsUrl = new URL(specifier, context.parentURL);
      if (!existsSync(fileURLToPath(jsUrl))) {
        const tsSpecifier = specifier.slice(0, -3) + '.ts';
        // Pass on a relative specifier (not a URL): that works for both import and require.
        if (existsSync(fileURLToPath(new URL(tsSpecifier, context.parentURL))))
          return nextResolve(tsSpecifier, context);
      }
    }
    return nextResolve(specifier, context);
  },
});
