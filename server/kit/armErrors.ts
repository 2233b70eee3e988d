/**
 * ARM's error envelope and the codes and messages Azure uses for them (verbatim where Azure's
 * wording is known, see README "Errors"). Handlers throw ArmError; the pipeline renders it.
 */
export interface ArmErrorDetail {
  code: string;
  message: string;
  target?: string;
  details?: ArmErrorDetail[];
}

export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly options: { details?: ArmErrorDetail[]; target?: string; headers?: Record<string, string>; gateway?: boolean } = {},
  ) {
    super(message);
  }

  toBody(): { error: ArmErrorDetail } {
    const error: ArmErrorDetail = { code: this.code, message: this.message };
    if (this.options.target) error.target = this.options.target;
    if (this.options.details) error.details = this.options.details;
    return { error };
  }
}

const list = (items: readonly string[]) => items.join(',');
/** Options of an error ARM itself raises: a fresh object each time, since callers may add headers to it. */
const gateway = () => ({ gateway: true });

/** Errors ARM itself (the gateway) raises, before any resource provider sees the request. */
export const armErrors = {
  missingApiVersion: () =>
    new ArmError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.', gateway()),
  invalidApiVersion: (apiVersion: string, supported: readonly string[]) =>
    new ArmError(400, 'InvalidApiVersionParameter', `The api-version '${apiVersion}' is invalid. The supported versions are '${list(supported)}'.`, gateway()),
  noRegisteredProvider: (location: string, apiVersion: string, type: string, apiVersions: readonly string[], locations: readonly string[]) =>
    new ArmError(400, 'NoRegisteredProviderFound',
      `No registered resource provider found for location '${location}' and API version '${apiVersion}' for type '${type}'. The supported api-versions are '${list(apiVersions)}'. The supported locations are '${list(locations)}'.`, gateway()),
  invalidResourceType: (type: string, namespace: string, apiVersion: string, supported?: readonly string[]) =>
    new ArmError(404, 'InvalidResourceType',
      `The resource type '${type}' could not be found in the namespace '${namespace}' for api version '${apiVersion}'.${supported?.length ? ` The supported api-versions are '${list(supported)}'.` : ''}`, gateway()),
  invalidResourceNamespace: (namespace: string) =>
    new ArmError(400, 'InvalidResourceNamespace', `The resource namespace '${namespace}' is invalid.`, gateway()),
  methodNotAllowed: (method: string) =>
    new ArmError(405, 'MethodNotAllowed', `The requested resource does not support http method '${method}'.`, gateway()),
  routeNotFound: (path: string) =>
    new ArmError(404, 'NotFound', `No HTTP resource was found that matches the request URI '${path}'.`, gateway()),
  subscriptionNotFound: (subscriptionId: string) =>
    new ArmError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`, gateway()),
  resourceGroupNotFound: (group: string) =>
    new ArmError(404, 'ResourceGroupNotFound', `Resource group '${group}' could not be found.`, gateway()),
  resourceNotFound: (typeAndName: string, group: string) =>
    new ArmError(404, 'ResourceNotFound',
      `The Resource '${typeAndName}' under resource group '${group}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`, gateway()),
  parentResourceNotFound: (parentName: string) =>
    new ArmError(404, 'ParentResourceNotFound', `Can not perform requested operation on nested resource. Parent resource '${parentName}' not found.`),
  resourceGroupBeingDeleted: (group: string) =>
    new ArmError(409, 'ResourceGroupBeingDeleted', `The resource group '${group}' is in deprovisioning state and cannot perform this operation.`, gateway()),
  /** A write under a resource whose delete is running (Arclight's wording; Azure's RPs answer a 409 conflict). */
  parentResourceBeingDeleted: (parentId: string) =>
    new ArmError(409, 'ParentResourceBeingDeleted', `The parent resource '${parentId}' is being deleted. Wait for the deletion to complete before writing resources under it.`),
  missingSubscriptionRegistration: (namespace: string) =>
    new ArmError(409, 'MissingSubscriptionRegistration',
      `The subscription is not registered to use namespace '${namespace}'. See https://aka.ms/rps-not-found for how to register subscriptions.`,
      { ...gateway(), details: [{ code: 'MissingSubscriptionRegistration', target: namespace, message: `The subscription is not registered to use namespace '${namespace}'. See https://aka.ms/rps-not-found for how to register subscriptions.` }] }),
  invalidRequestContent: (detail: string) =>
    new ArmError(400, 'InvalidRequestContent', `The request content was invalid and could not be deserialized: '${detail}'.`, gateway()),
  requestTooLarge: (limitBytes: number) =>
    new ArmError(413, 'RequestContentTooLarge', `The request content size exceeds the maximum size of ${limitBytes % (1024 * 1024) === 0 ? `${limitBytes / 1024 / 1024} MB` : `${limitBytes} bytes`}.`, gateway()),
  unsupportedMediaType: (contentType: string) =>
    new ArmError(415, 'UnsupportedMediaType', `The content media type '${contentType}' is not supported. Only 'application/json' is supported.`, gateway()),
  invalidResourceLocation: (name: string, oldLocation: string, group: string, newLocation: string) =>
    new ArmError(409, 'InvalidResourceLocation',
      `The resource '${name}' already exists in location '${oldLocation}' in resource group '${group}'. A resource with the same name cannot be created in location '${newLocation}'. Please select a new resource name.`),
  invalidResourceGroupLocation: (newLocation: string, oldLocation: string) =>
    new ArmError(409, 'InvalidResourceGroupLocation', `Invalid resource group location '${newLocation}'. The Resource group already exists in location '${oldLocation}'.`),
  locationNotAvailable: (location: string, type: string, available: readonly string[]) =>
    new ArmError(400, 'LocationNotAvailableForResourceType',
      `The provided location '${location}' is not available for resource type '${type}'. List of available regions for the resource type is '${list(available)}'.`, gateway()),
  /** Percent-encoding that does not decode (Arclight's wording: ARM's own answer is not documented). */
  invalidRequestUri: () =>
    new ArmError(400, 'InvalidRequestUri', 'The request URI is invalid: a path segment or query parameter has a malformed percent-encoding.', gateway()),
  internal: () => new ArmError(500, 'InternalServerError', 'Encountered internal server error. Diagnostic information: see the emulator log.'),
};
