/**
 * A Log Analytics workspace's shared keys (`POST .../workspaces/{w}/sharedKeys`, and
 * `regenerateSharedKey`): what agents sign their uploads with, and what
 * `az k8s-extension create --extension-type Microsoft.AzureMonitor.Containers` reads to put in
 * the extension's protected settings. Each workspace gets its pair on first use; the pair is kept
 * sealed with the other write-only values (never in the resource body, which lists and logs
 * see), so the same keys come back on every call until regenerated, and goes with the
 * workspace (its key is below the workspace's, see kit/resources.ts deleteResourceTree).
 */
import { randomBytes } from 'crypto';
import { armErrors } from '../../kit/armErrors';
import type { ArmRequest } from '../../kit/handlers';
import { loadResource } from '../../kit/resources';
import type { StoredResource } from '../../store/resources';
import type { ProviderContext } from '../context';

const WORKSPACE = '/subscriptions/{}/resourcegroups/{}/providers/Microsoft.OperationalInsights/workspaces/{}';
const WORKSPACE_TYPE = 'microsoft.operationalinsights/workspaces';

interface SharedKeys {
  primarySharedKey: string;
  secondarySharedKey: string;
}

/** A key as Azure's look: 64 random bytes in base64 (88 characters). */
const newKey = () => randomBytes(64).toString('base64');
const newPair = (): SharedKeys => ({ primarySharedKey: newKey(), secondarySharedKey: newKey() });
const secretKeyOf = (workspace: StoredResource) => `${workspace.key}/sharedkeys`;

function workspaceOf(s: ProviderContext, req: ArmRequest): StoredResource {
  const { subscriptionId, resourceGroupName, workspaceName } = req.params;
  const found = loadResource(s, `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/${workspaceName}`);
  if (!found || found.type !== WORKSPACE_TYPE) throw armErrors.resourceNotFound(`Microsoft.OperationalInsights/workspaces/${workspaceName}`, resourceGroupName);
  return found;
}

export function registerSharedKeys(s: ProviderContext): void {
  s.handlers.on('POST', `${WORKSPACE}/sharedKeys`, (req) => {
    const workspace = workspaceOf(s, req);
    let keys = s.store.secrets.get<SharedKeys>(secretKeyOf(workspace));
    if (!keys) {
      keys = newPair();
      s.store.secrets.put(secretKeyOf(workspace), keys);
    }
    return { status: 200, body: { ...keys } };
  });
  // The 2020-08-01 operation takes no body: both keys are replaced.
  s.handlers.on('POST', `${WORKSPACE}/regenerateSharedKey`, (req) => {
    const workspace = workspaceOf(s, req);
    const keys = newPair();
    s.store.secrets.put(secretKeyOf(workspace), keys);
    return { status: 200, body: { ...keys } };
  });
}
