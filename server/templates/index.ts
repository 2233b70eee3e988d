/** The ARM template language as a library: no HTTP, no store. See README "Template language". */
export type { DeploymentScope, EvalContext, TemplateServices } from './context';
export { ExpressionError, TemplateError, type TextPosition } from './errors';
export { evaluateString, evaluateValue } from './evaluator';
export { GUID_NAMESPACE, murmurHash64, templateGuid, uniqueString, uuidV5 } from './hash';
export { isExpression, parseExpression, type Node } from './parser';
export { parseTemplateText, type ParsedTemplateText } from './positions';
export {
  TemplatePlan,
  evaluateTemplate,
  prepareTemplate,
  type EvaluatedResource,
  type NestedDeployment,
  type OutputValue,
  type PlannedResource,
  type TemplateOptions,
} from './template';
