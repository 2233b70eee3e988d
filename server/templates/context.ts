/** What an expression sees while it is evaluated: the template walk builds one per place. */
import type { Json } from '../../protocol/json';

/** Where a deployment runs. */
export interface DeploymentScope {
  tenantId: string;
  subscriptionId?: string;
  resourceGroup?: { name: string; location: string; id?: string; tags?: Record<string, string>; managedBy?: string };
  managementGroup?: string;
  deploymentName: string;
  /** The deployment's own location (subscription, management group and tenant deployments). */
  location?: string;
  subscriptionDisplayName?: string;
  tenantDisplayName?: string;
  tenantCountryCode?: string;
}

/** What reference(), list*(), providers() and pickZones() read; the caller implements it. */
export interface TemplateServices {
  reference?(resourceId: string, apiVersion: string | undefined, full: boolean): Json;
  list?(resourceId: string, apiVersion: string, action: string, body: Json): Json;
  providers?(namespace: string, resourceType: string | undefined): Json;
  zones?(namespace: string, resourceType: string, location: string): string[];
}

/** What an expression can see. The template walk builds one per place it evaluates. */
export interface EvalContext {
  scope: DeploymentScope;
  clock: () => Date;
  newGuid: () => string;
  services: TemplateServices;
  parameter(name: string): Json;
  variable(name: string): Json;
  /** The current index of loop `name` (the resource's own loop when undefined). */
  copyIndex(name: string | undefined): number;
  /** User-defined function `namespace.name`. */
  userFunction(name: string): ((args: Json[]) => Json) | undefined;
  /** reference(nameOrId, ...) of a resource in the template: its id and api-version. */
  resolveResource(nameOrId: string): { id: string; apiVersion?: string } | undefined;
  deployment(): Json;
  environment(): Json;
  lambdaVariables: ReadonlyMap<string, Json>;
  /** Whether utcNow() and newGuid() may be used here (parameter default values only). */
  allowsNondeterministic: boolean;
  /** Records a reference() to another resource (the wave planner reads it). */
  onReference?(id: string): void;
}

