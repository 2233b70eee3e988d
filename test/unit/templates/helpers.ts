/** Shared fixtures of the template tests: a resource-group scope and a one-expression evaluator. */
import type { Json, JsonObject } from '../../../protocol/json';
import { prepareTemplate, type TemplateOptions } from '../../../server/templates';

export const SUB = '00000000-0000-0000-0000-000000000001';
export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const RG_ID = `/subscriptions/${SUB}/resourceGroups/rg1`;

export const SCOPE = {
  tenantId: TENANT,
  subscriptionId: SUB,
  resourceGroup: { name: 'rg1', location: 'westeurope', id: RG_ID },
  deploymentName: 'dep1',
};

/** Evaluates one expression (or any JSON value) as a variable of an otherwise empty template. */
export function ev(value: Json, options: Partial<TemplateOptions> = {}, template: JsonObject = {}): Json {
  const plan = prepareTemplate(
    { ...template, variables: { ...(template.variables ?? {}), __value: value } },
    { scope: SCOPE, ...options },
  );
  return plan.variable('__value');
}

export const TEMPLATE_1 = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
