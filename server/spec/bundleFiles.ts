/**
 * Where the generated spec bundle lives: dist/specs/bundle.json (what start-up reads: providers,
 * regions, the route table) and one file per OpenAPI document beside it, read on first use.
 */
import * as path from 'path';

/** The folder of the documents of the bundle at `bundleFile`. */
export const documentsDir = (bundleFile: string) => path.join(path.dirname(bundleFile), 'documents');

/** The file of document `key` (`Microsoft.Kubernetes@2024-01-01`) in `dir`. */
export const documentFile = (dir: string, key: string) => path.join(dir, `${key}.json`);
