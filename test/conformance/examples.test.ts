/** The vendored specs' x-ms-examples, sent through the server: see scenario.ts for the rules, coverage.ts for what is left out. */
import { describeConformance } from './scenario';
import { describeExampleCoverage } from './coverage';
import { kubernetesConformance } from './kubernetes';
import { kubernetesConfigurationConformance } from './kubernetesConfiguration';
import { extendedLocationConformance } from './extendedLocation';
import { NEIGHBOUR_CONFORMANCE } from './neighbours';
import { templateSpecsConformance } from './templateSpecs';

const providers = [kubernetesConformance, kubernetesConfigurationConformance, extendedLocationConformance, ...NEIGHBOUR_CONFORMANCE, templateSpecsConformance];

for (const provider of providers) describeConformance(provider);
describeExampleCoverage(providers);
