// Filling a message's `{name}` placeholders: a module of its own, so that the CLI (src/cli/io.ts)
// can format its messages without loading the whole catalogue (src/i18n/cli.ts).

/** The values of a message's placeholders. */
export type Params = Readonly<Record<string, string | number>>;

/** Fills `{name}` placeholders; a placeholder without a value is left visible rather than silently dropped. */
export function interpolate(template: string, params: Params = {}): string {
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => {
    const v = params[name];
    return v === undefined ? whole : String(v);
  });
}
