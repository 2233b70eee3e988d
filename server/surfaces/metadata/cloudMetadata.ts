/**
 * `GET /metadata/endpoints?api-version=...`: the cloud description clients read before they
 * log in (no authentication), in the shape each api-version has, pointing at Arclight itself.
 *
 * - 2015-01-01 (and 1.0, 2018-01-01): one object with old key names; what older `az cloud
 *   register` reads. Its loginEndpoint is the ADFS-style authority at /adfs, the only kind the
 *   Azure CLI logs in to offline without extra settings.
 * - 2019-05-01: an array of clouds; what ARM_CLOUD_METADATA_URL must return for the CLI.
 * - 2022-09-01 (and 2023-11-01): one object for this cloud; what Terraform, connectedk8s and
 *   current `az cloud register` read. loginEndpoint is the Entra-style root
 *   (`{loginEndpoint}/{tenant}/oauth2/v2.0/token`), and dataplaneEndpoints point at the
 *   emulated Arc data plane.
 */
import type { Request, Response } from 'express';
import { armErrors } from '../../kit/armErrors';
import { sendJson } from '../../gateway/responses';
import type { Services } from '../services';
import { agentEndpoints } from '../../clusterSide/endpoints';
import { baseUrlOf } from '../../gateway/baseUrl';

export const CLOUD_NAME = 'Arclight';

const ARM_AUDIENCES = ['https://management.core.windows.net/', 'https://management.azure.com/'];

function suffixes() {
  return {
    azureDataLakeStoreFileSystem: 'azuredatalakestore.net',
    acrLoginServer: 'azurecr.io',
    sqlServerHostname: 'database.windows.net',
    azureDataLakeAnalyticsCatalogAndJob: 'azuredatalakeanalytics.net',
    keyVaultDns: 'vault.azure.net',
    storage: 'core.windows.net',
    azureFrontDoorEndpointSuffix: 'azurefd.net',
  };
}

function legacyDocument(base: string, withCloudEndpoint: boolean, regions: string[]) {
  return {
    galleryEndpoint: `${base}/`,
    graphEndpoint: `${base}/`,
    portalEndpoint: `${base}/`,
    ...(withCloudEndpoint ? { graphAudience: `${base}/` } : {}),
    authentication: {
      loginEndpoint: `${base}/adfs/`,
      audiences: [...ARM_AUDIENCES, `${base}/`],
      ...(withCloudEndpoint ? { tenant: 'common', identityProvider: 'AAD' } : {}),
    },
    ...(withCloudEndpoint ? { cloudEndpoint: { arclight: { endpoint: new URL(base).host, locations: regions } } } : {}),
  };
}

function cloudDocument(base: string, loginEndpoint: string) {
  return {
    portal: base,
    authentication: { loginEndpoint, audiences: [...ARM_AUDIENCES, `${base}/`], tenant: 'common', identityProvider: 'AAD' },
    media: base,
    graphAudience: `${base}/`,
    graph: `${base}/`,
    name: CLOUD_NAME,
    suffixes: suffixes(),
    batch: `${base}/`,
    resourceManager: `${base}/`,
    vmImageAliasDoc: `${base}/_arclight/vm-image-aliases.json`,
    activeDirectoryDataLake: `${base}/`,
    sqlManagement: `${base}/`,
  };
}

export function metadataDocument(s: Services, base: string, apiVersion: string): unknown {
  const regions = s.regions.regions.map((r) => r.name);
  switch (apiVersion) {
    case '1.0':
    case '2015-01-01':
      return legacyDocument(base, false, regions);
    case '2018-01-01':
      return legacyDocument(base, true, regions);
    case '2019-05-01':
      return [{ ...cloudDocument(base, `${base}/adfs/`), gallery: `${base}/` }];
    case '2022-09-01':
    case '2023-11-01': {
      const agents = agentEndpoints(base);
      return {
        ...cloudDocument(base, base),
        suffixes: { ...suffixes(), relayEndpointSuffix: agents.relaySuffix },
        microsoftGraphResourceId: `${base}/`,
        appInsightsResourceId: base,
        appInsightsTelemetryChannelResourceId: `${base}/v2/track`,
        attestationResourceId: base,
        synapseAnalyticsResourceId: base,
        logAnalyticsResourceId: base,
        ossrDbmsResourceId: base,
        dataplaneEndpoints: {
          arcConfigEndpoint: agents.configDataPlane,
          arcGlobalNotificationServiceEndpoint: agents.notification,
          arcHybridIdentityServiceEndpoint: agents.identityDiscovery,
        },
      };
    }
    default:
      return undefined;
  }
}

export const METADATA_API_VERSIONS = ['2023-11-01', '2022-09-01', '2019-05-01', '2018-01-01', '2015-01-01', '1.0'];

export function cloudMetadataHandler(s: Services) {
  return (req: Request, res: Response): void => {
    const apiVersion = new URLSearchParams(req.url.split('?')[1] ?? '').get('api-version');
    if (!apiVersion) throw armErrors.missingApiVersion();
    const doc = metadataDocument(s, baseUrlOf(req), apiVersion);
    if (doc === undefined) throw armErrors.invalidApiVersion(apiVersion, METADATA_API_VERSIONS);
    sendJson(res, 200, doc);
  };
}
