/**
 * Microsoft.Resources template specs in the conformance runner. The examples live in the
 * default subscription, which every Arclight has; the built-in template specs of 2022-02-01 are
 * refused (Arclight has no catalog of Azure's own), so their examples must get 501.
 */
import type { ConformanceProvider } from './scenario';

export const templateSpecsConformance: ConformanceProvider = {
  namespace: 'Microsoft.Resources',
  seed: 'test/conformance/seed.json',
  groupLocation: 'eastus',
  tolerances: [
    { path: 'nextLink', reason: 'ARM leaves nextLink out on the last page; the examples show a made-up next page' },
  ],
  notImplemented: {
    builtInTemplateSpecs: 'Arclight has no catalog of Azure\'s built-in template specs (server/providers/resources/templateSpecs.ts)',
    'builtInTemplateSpecs/versions': 'Arclight has no catalog of Azure\'s built-in template specs (server/providers/resources/templateSpecs.ts)',
  },
};
