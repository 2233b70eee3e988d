/** The vendored specs' x-ms-examples, sent through the server: see scenario.ts for the rules. */
import { describeConformance } from './scenario';
import { kubernetesConformance } from './kubernetes';
import { kubernetesConfigurationConformance } from './kubernetesConfiguration';

describeConformance(kubernetesConformance);
describeConformance(kubernetesConfigurationConformance);
