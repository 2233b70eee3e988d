/**
 * The package's own folder (the one holding package.json), found from wherever the running
 * code is: a module file under dist/server/..., or the single-file build of the command in
 * dist/server (see server/launch). Files shipped with the package are named from here, so
 * both layouts find them.
 */
import * as fs from 'fs';
import * as path from 'path';

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}: Arclight's files are not where it was installed`);
  }
}

export const PACKAGE_ROOT = findPackageRoot(__dirname);

/** A file or folder of the package, by its path from the package's root. */
export function packagePath(...segments: string[]): string {
  return path.join(PACKAGE_ROOT, ...segments);
}
