/** Building markup from text that may come from a client: everything interpolated is escaped. */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escape(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** A template tag: `${...}` values are escaped, unless wrapped by raw(). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = strings[0];
  values.forEach((value, i) => {
    out += (Array.isArray(value) ? value.map(piece).join('') : piece(value)) + strings[i + 1];
  });
  return new Raw(out);
}

export class Raw {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const piece = (value: unknown) => (value instanceof Raw ? value.text : escape(value));

/** A date as the page shows it: UTC, to the minute (the emulator clock is what matters, not the viewer's zone). */
export function shortTime(iso: string | undefined | null): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? String(iso) : new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}
