/**
 * Path globs of fault rules: `**` as a whole segment stands for any number of segments (none
 * included), `*` for any run of characters within one segment; everything else matches itself,
 * ignoring case. Matching is by the classic wildcard walk (remember the last star, retry from
 * it), once over segments and once within each: at worst the product of the lengths, never
 * exponential, whatever path a client sends. (A glob compiled to a regular expression could
 * backtrack without bound on a long path.)
 */

type Segment = '**' | string;

export class PathGlob {
  private readonly segments: Segment[];

  constructor(glob: string) {
    this.segments = glob.toLowerCase().split('/').filter((s) => s.length > 0);
  }

  matches(path: string): boolean {
    const parts = path.toLowerCase().split('/').filter((s) => s.length > 0);
    return walk(this.segments, parts, (g) => g === '**', (g, part) => wildcard(g, part));
  }
}

/** Whether `chars` of a string match `pattern` with `*` as the only wildcard. */
function wildcard(pattern: string, text: string): boolean {
  if (!pattern.includes('*')) return pattern === text;
  return walk([...pattern], [...text], (c) => c === '*', (c, t) => c === t);
}

/**
 * The wildcard walk over sequences: `isStar` items match any run of items (none included),
 * others match one item each, as `same` says.
 */
function walk<P, T>(pattern: readonly P[], items: readonly T[], isStar: (p: P) => boolean, same: (p: P, t: T) => boolean): boolean {
  let p = 0;
  let i = 0;
  let star = -1;
  let resume = 0;
  while (i < items.length) {
    if (p < pattern.length && !isStar(pattern[p]) && same(pattern[p], items[i])) {
      p++;
      i++;
    } else if (p < pattern.length && isStar(pattern[p])) {
      star = p++;
      resume = i;
    } else if (star >= 0) {
      p = star + 1;
      i = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && isStar(pattern[p])) p++;
  return p === pattern.length;
}
