/**
 * Build step: the dashboard (/_arclight/ui) into dist/dashboard: its page and styles as they
 * are, its TypeScript as one minified script (esbuild). Nothing is fetched by the page at run
 * time but from Arclight itself. Its types are checked by `tsc -p dashboard` in `npm run build`.
 */
import { buildSync } from 'esbuild';
import * as fs from 'fs';
import * as path from 'path';
import { packagePath } from '../server/core/packageRoot';

const out = packagePath('dist', 'dashboard');
fs.mkdirSync(out, { recursive: true });
buildSync({
  entryPoints: [packagePath('dashboard', 'src', 'main.ts')],
  outfile: path.join(out, 'app.js'),
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2022',
  logLevel: 'warning',
});
for (const file of ['index.html', 'styles.css']) fs.copyFileSync(packagePath('dashboard', file), path.join(out, file));
console.log(`dashboard: ${path.relative(process.cwd(), out)}`);
