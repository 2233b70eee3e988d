/**
 * The shapes in which Azure's resource providers answer a long-running write and are polled:
 *
 * - `providerHub` (Microsoft.Kubernetes): `Azure-AsyncOperation` at
 *   `/providers/{namespace}/locations/{location}/operationStatuses/{id}` (always 200 with the
 *   status), and for PATCH and DELETE also `Location` at `.../operationResults/{id}` (202 while
 *   running, then the resource or 204). A new resource reads `Accepted` until it completes.
 * - `nested` (Microsoft.KubernetesConfiguration): `Azure-AsyncOperation` and `Operation-Location`
 *   at `{resource}/operations/{id}`, with `x-ms-async-operation-timeout`. A new resource reads
 *   `Creating`.
 * - `armOperationResults` (ARM's own resource groups): `Location` at
 *   `/subscriptions/{s}/operationresults/{id}`, 202 while running, then 200.
 * - `subscriptionLocations` (Microsoft.ExtendedLocation): `Azure-AsyncOperation` at
 *   `/subscriptions/{s}/providers/{namespace}/locations/{location}/operationsStatus/{id}` (always
 *   200 with the status), and for DELETE also `Location` at `.../operationResults/{id}` (202
 *   while running, then 204). A new resource reads `Creating` until it completes.
 *
 * Every shape carries Retry-After and retry-after-ms (see asyncOperations.ts).
 */
import type { ArmRequest } from './handlers';
import type { OperationRecord } from '../store/operations';
import { retryHeaders } from './asyncOperations';

export type AsyncStyle = 'providerHub' | 'nested' | 'armOperationResults' | 'subscriptionLocations';
export type Verb = 'create' | 'update' | 'delete';

/** What a resource being created reads while its operation runs. */
export const CREATING_STATE: Record<AsyncStyle, string> = { providerHub: 'Accepted', nested: 'Creating', armOperationResults: 'Creating', subscriptionLocations: 'Creating' };

/** The operation status of `nested` operations while running, as the KubernetesConfiguration RP reports them. */
export const RUNNING_STATE: Readonly<Record<Verb, string>> = { create: 'Creating', update: 'Updating', delete: 'Deleting' };
const TIMEOUT: Readonly<Record<Verb, string>> = { create: 'PT48H', update: 'PT48H', delete: 'PT1H' };

export interface OperationAnswer {
  req: ArmRequest;
  /** The resource's id and location. */
  id: string;
  location?: string;
  op: OperationRecord;
  verb: Verb;
  retry: { seconds: number; ms: number };
}

export function providerHubUrl(baseUrl: string, namespace: string, location: string, kind: 'operationStatuses' | 'operationResults', id: string, apiVersion: string): string {
  return `${baseUrl}/providers/${namespace}/locations/${location}/${kind}/${id}?api-version=${apiVersion}`;
}

export function subscriptionLocationUrl(baseUrl: string, subscriptionId: string, namespace: string, location: string, kind: 'operationsStatus' | 'operationResults', id: string, apiVersion: string): string {
  return `${baseUrl}/subscriptions/${subscriptionId}/providers/${namespace}/locations/${location}/${kind}/${id}?api-version=${apiVersion}`;
}

export function nestedOperationUrl(baseUrl: string, resourceId: string, operationId: string, apiVersion: string): string {
  return `${baseUrl}${resourceId}/operations/${operationId}?api-Version=${apiVersion}`;
}

/** The headers a long-running write answers with, in `style`. */
export function operationHeaders(style: AsyncStyle, a: OperationAnswer): Record<string, string> {
  const { req, op } = a;
  switch (style) {
    case 'providerHub': {
      const status = providerHubUrl(req.baseUrl, req.namespace, a.location ?? '', 'operationStatuses', op.id, req.apiVersion);
      const location = a.verb === 'create' ? {} : { Location: providerHubUrl(req.baseUrl, req.namespace, a.location ?? '', 'operationResults', op.id, req.apiVersion) };
      return Object.assign(location, { 'Azure-AsyncOperation': status }, retryHeaders(a.retry));
    }
    case 'nested': {
      // Azure sends both, pointing at the same status resource (clients prefer Operation-Location).
      const status = nestedOperationUrl(req.baseUrl, a.id, op.id, req.apiVersion);
      return Object.assign({ 'Azure-AsyncOperation': status, 'Operation-Location': status, 'x-ms-async-operation-timeout': TIMEOUT[a.verb] }, retryHeaders(a.retry));
    }
    case 'subscriptionLocations': {
      const url = (kind: 'operationsStatus' | 'operationResults') =>
        subscriptionLocationUrl(req.baseUrl, req.params.subscriptionId, req.namespace, a.location ?? '', kind, op.id, req.apiVersion);
      const location = a.verb === 'delete' ? { Location: url('operationResults') } : {};
      return Object.assign(location, { 'Azure-AsyncOperation': url('operationsStatus') }, retryHeaders(a.retry));
    }
    case 'armOperationResults':
      return Object.assign({ Location: `${req.baseUrl}/subscriptions/${req.params.subscriptionId}/operationresults/${op.id}?api-version=${req.apiVersion}` }, retryHeaders(a.retry));
  }
}
