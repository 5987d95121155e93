/**
 * A small command-line parser with spf13/pflag semantics, because the agent's flags are a compatibility
 * surface (docs/compatibility.md#command-line): `--name=value` and `--name value`; booleans as `--name`,
 * `--name=false` (never `--name false`, where `false` is a positional argument, as in pflag); string slices
 * split on commas and accumulating across repeats; `--` ends flags; `-h`/`--help`. Unknown flags and bad
 * values are `FlagError`s (the caller prints usage and exits 2).
 */

export class FlagError extends Error {}
export class HelpRequested extends Error {}

interface FlagDef {
  name: string;
  kind: 'string' | 'bool' | 'stringSlice' | 'custom';
  usage: string;
  defaultText: string;
  set(raw: string): void;
}

/** Go strconv.ParseBool. */
export function parseGoBool(raw: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(raw)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(raw)) return false;
  throw new FlagError(`strconv.ParseBool: parsing "${raw}": invalid syntax`);
}

export class FlagSet {
  private readonly flags = new Map<string, FlagDef>();
  readonly positional: string[] = [];

  readonly programName: string;

  constructor(programName: string) {
    this.programName = programName;
  }

  string(name: string, def: string, usage: string, set: (v: string) => void): void {
    set(def);
    this.add({ name, kind: 'string', usage, defaultText: def === '' ? '' : JSON.stringify(def), set });
  }

  bool(name: string, def: boolean, usage: string, set: (v: boolean) => void): void {
    set(def);
    this.add({
      name,
      kind: 'bool',
      usage,
      defaultText: def ? 'true' : '',
      set: (raw) => set(parseGoBool(raw)),
    });
  }

  stringSlice(name: string, usage: string, set: (v: string[]) => void): void {
    let acc: string[] = [];
    let touched = false;
    set([]);
    this.add({
      name,
      kind: 'stringSlice',
      usage,
      defaultText: '',
      set: (raw) => {
        // pflag's first Set replaces the default; later ones append. Values are CSV fields.
        const parts = raw === '' ? [] : raw.split(',');
        acc = touched ? [...acc, ...parts] : parts;
        touched = true;
        set(acc);
      },
    });
  }

  custom(name: string, defaultText: string, usage: string, set: (raw: string) => void): void {
    this.add({ name, kind: 'custom', usage, defaultText, set });
  }

  private add(def: FlagDef): void {
    this.flags.set(def.name, def);
  }

  parse(args: readonly string[]): void {
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]!;
      if (arg === '--') {
        this.positional.push(...args.slice(i + 1));
        return;
      }
      if (arg === '-h' || arg === '--help' || arg === '-help') throw new HelpRequested();
      if (!arg.startsWith('-') || arg === '-') {
        this.positional.push(arg);
        continue;
      }
      if (!arg.startsWith('--')) {
        throw new FlagError(`unknown shorthand flag: '${arg[1]}' in ${arg}`);
      }
      const body = arg.slice(2);
      const eq = body.indexOf('=');
      const name = eq >= 0 ? body.slice(0, eq) : body;
      const flag = this.flags.get(name);
      if (!flag) throw new FlagError(`unknown flag: --${name}`);
      let value: string;
      if (eq >= 0) value = body.slice(eq + 1);
      else if (flag.kind === 'bool') value = 'true';
      else if (i + 1 < args.length) value = args[++i]!;
      else throw new FlagError(`flag needs an argument: --${name}`);
      try {
        flag.set(value);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        throw new FlagError(`invalid argument "${value}" for "--${name}" flag: ${msg}`);
      }
    }
  }

  /** pflag-style flag listing. */
  usage(): string {
    const rows = [...this.flags.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    const lines = rows.map((f) => {
      const type = f.kind === 'bool' ? '' : f.kind === 'stringSlice' ? ' strings' : ' string';
      const dflt = f.defaultText === '' ? '' : ` (default ${f.defaultText})`;
      return [`      --${f.name}${type}`, `${f.usage}${dflt}`] as const;
    });
    const width = Math.max(...lines.map(([l]) => l.length)) + 3;
    return `Usage of ${this.programName}:\n` + lines.map(([l, u]) => l.padEnd(width) + u).join('\n') + '\n';
  }
}
