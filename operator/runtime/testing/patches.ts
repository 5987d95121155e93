/** The patch formats the fake API server (fake-multi.ts) applies, written for tests only. */

type Obj = Record<string, any>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 7386 JSON merge patch: objects merge recursively, null deletes, anything else replaces. */
export function applyMergePatch(target: unknown, patch: unknown): any {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Obj = isObject(target) ? structuredClone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}

/** Decodes one RFC 6901 pointer into path tokens. */
function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new Error(`invalid JSON pointer ${JSON.stringify(path)}`);
  return path
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** RFC 6902 JSON patch (add, remove, replace, test); a failing operation throws. */
export function applyJsonPatch(target: Obj, ops: Obj[]): Obj {
  const doc = structuredClone(target);
  for (const op of ops) {
    const tokens = pointer(String(op.path));
    const last = tokens.pop();
    if (last === undefined) throw new Error('patching the whole document is not supported');
    let parent: any = doc;
    for (const t of tokens) {
      parent = Array.isArray(parent) ? parent[Number(t)] : parent?.[t];
      if (parent === undefined || parent === null) throw new Error(`path ${op.path} does not exist`);
    }
    const index = Array.isArray(parent) ? (last === '-' ? parent.length : Number(last)) : -1;
    const exists = Array.isArray(parent) ? index < parent.length : last in parent;
    switch (op.op) {
      case 'add':
        if (Array.isArray(parent)) parent.splice(index, 0, structuredClone(op.value));
        else parent[last] = structuredClone(op.value);
        break;
      case 'remove':
      case 'replace':
        if (!exists) throw new Error(`path ${op.path} does not exist`);
        if (op.op === 'remove') {
          if (Array.isArray(parent)) parent.splice(index, 1);
          else delete parent[last];
        } else if (Array.isArray(parent)) parent[index] = structuredClone(op.value);
        else parent[last] = structuredClone(op.value);
        break;
      case 'test': {
        const current = Array.isArray(parent) ? parent[index] : parent[last];
        if (JSON.stringify(current) !== JSON.stringify(op.value))
          throw new Error(`test of ${op.path} failed`);
        break;
      }
      default:
        throw new Error(`unsupported JSON patch operation ${JSON.stringify(op.op)}`);
    }
  }
  return doc;
}
