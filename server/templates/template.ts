/**
 * A template deployment as a plan: parameters checked, variables ready, every resource expanded
 * (conditions, copy loops, nested children, scopes, ids) and ordered by its dependencies, with
 * resource bodies evaluated only when the caller asks for them, wave by wave, so reference() of a
 * resource deployed earlier reads what the caller deployed.
 *
 *   const plan = prepareTemplate(template, options);
 *   for (let wave = plan.ready(); wave.length; wave = plan.ready()) {
 *     for (const r of wave) { put(r, plan.body(r)); plan.complete(r.key); }
 *   }
 *   const outputs = plan.outputs();
 */
import { createHash } from 'crypto';
import type { Json, JsonObject } from '../../protocol/json';
import type { DeploymentScope, EvalContext, TemplateServices } from './context';
import { ExpressionError, TemplateError, at, validationFailed, type TextPosition } from './errors';
import { evaluateNode, evaluateString, evaluateValue } from './evaluator';
import { checkValue, isSecureType } from './parameters';
import { isExpression, parseExpression, type Node } from './parser';
import { clone, findKey, isObject } from './values';

export interface TemplateOptions {
  /** Parameter values: plain, or as a parameters file gives them ({ name: { value } }) with `wrapped`. */
  parameters?: Record<string, Json>;
  wrappedParameters?: boolean;
  scope: DeploymentScope;
  clock?: () => Date;
  newGuid?: () => string;
  services?: TemplateServices;
  environment?: Json;
  /** Positions of the template's values ({@link parseTemplateText}), for line and column in errors. */
  positions?: Map<string, TextPosition>;
  /** A nested deployment with expressionEvaluationOptions.scope 'outer': the parent plan. */
  outer?: TemplatePlan;
}

export interface PlannedResource {
  /** Unique within the plan: the symbolic name (languageVersion 2.0) or the JSON path, with [i] for copies. */
  key: string;
  symbolicName?: string;
  id: string;
  type: string;
  name: string;
  apiVersion: string;
  /** The id of the resource an extension resource applies to, else the resource group (or subscription, ...). */
  scope: string;
  subscriptionId?: string;
  resourceGroup?: string;
  existing: boolean;
  copy?: { name: string; index: number; count: number; mode: 'parallel' | 'serial'; batchSize?: number };
  /** Keys of the resources this one waits for. */
  dependsOn: string[];
  /** JSON pointer of its declaration in the template. */
  path: string;
}

export interface NestedDeployment {
  template: Json;
  /** Parameters for the inner template (inner scope), plain values. */
  parameters: Record<string, Json>;
  evaluation: 'inner' | 'outer';
  scope: DeploymentScope;
  mode: string;
}

export interface OutputValue {
  type: string;
  value: Json;
  secure: boolean;
}

const TEMPLATE_KEYS = new Set(['condition', 'copy', 'dependsOn', 'resources', 'comments', 'scope', 'existing', 'apiVersion', 'type', 'name', 'subscriptionId', 'resourceGroup']);

interface Declaration {
  raw: JsonObject;
  path: string;
  symbolicName?: string;
  parent?: { type: string; name: string; ctxIndex?: (loop: string | undefined) => number };
}

interface Entry extends PlannedResource {
  raw: JsonObject;
  copyIndexes: (loop: string | undefined) => number;
  copyName?: string;
  state: 'waiting' | 'started' | 'done';
}

const DEFAULT_ENVIRONMENT = {
  name: 'AzureCloud',
  gallery: 'https://gallery.azure.com/',
  graph: 'https://graph.windows.net/',
  portal: 'https://portal.azure.com',
  graphAudience: 'https://graph.windows.net/',
  activeDirectoryDataLake: 'https://datalake.azure.net/',
  batch: 'https://batch.core.windows.net/',
  media: 'https://rest.media.azure.net',
  sqlManagement: 'https://management.core.windows.net:8443/',
  vmImageAliasDoc: 'https://raw.githubusercontent.com/Azure/azure-rest-api-specs/main/arm-compute/quickstart-templates/aliases.json',
  resourceManager: 'https://management.azure.com/',
  authentication: {
    loginEndpoint: 'https://login.microsoftonline.com/',
    audiences: ['https://management.core.windows.net/', 'https://management.azure.com/'],
    tenant: 'common',
    identityProvider: 'AAD',
  },
  suffixes: {
    acrLoginServer: '.azurecr.io',
    azureDatalakeAnalyticsCatalogAndJob: 'azuredatalakeanalytics.net',
    azureDatalakeStoreFileSystem: 'azuredatalakestore.net',
    azureFrontDoorEndpointSuffix: 'azurefd.net',
    keyvaultDns: '.vault.azure.net',
    sqlServerHostname: '.database.windows.net',
    storage: 'core.windows.net',
  },
};

const pointer = (...parts: Array<string | number>) =>
  parts.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

export class TemplatePlan {
  readonly template: JsonObject;
  readonly languageVersion: string;
  /** Parameter values after defaults, checked. */
  readonly parameterValues: Record<string, Json> = {};
  readonly secureParameters = new Set<string>();
  private readonly declaredTypes: Record<string, string> = {};
  private readonly variableCache = new Map<string, { value?: Json; busy: boolean }>();
  private readonly entries: Entry[] = [];
  private readonly byKey = new Map<string, Entry>();
  /** Resources whose condition was false: dependsOn to them is dropped. */
  private readonly skipped = new Set<string>();
  private readonly options: TemplateOptions;
  private readonly definitions: JsonObject;
  private readonly functions = new Map<string, { parameters: JsonObject[]; output: JsonObject }>();

  constructor(template: Json, options: TemplateOptions) {
    if (!isObject(template)) throw new TemplateError('InvalidTemplate', 'The template must be a JSON object.');
    this.template = template;
    this.options = options;
    this.languageVersion = typeof template.languageVersion === 'string' ? template.languageVersion : '1.0';
    this.definitions = isObject(template.definitions) ? template.definitions : {};
    const resources = template.resources ?? [];
    if (this.languageVersion.startsWith('2') ? !isObject(resources) && !Array.isArray(resources) : !Array.isArray(resources)) {
      throw validationFailed(
        `The template 'resources' must be ${this.languageVersion.startsWith('2') ? 'an object' : 'an array'} in languageVersion '${this.languageVersion}'.`,
        '/resources',
        this.position('/resources'),
      );
    }
    this.loadFunctions();
    this.bindParameters();
    this.expandResources();
    this.resolveDependencies();
    this.order();
  }

  // ------------------------------------------------------------------ positions and contexts

  position(path: string): TextPosition | undefined {
    return this.options.positions?.get(path);
  }

  private baseContext(overrides: Partial<EvalContext> = {}): EvalContext {
    const outer = this.options.outer;
    return {
      scope: this.options.scope,
      clock: this.options.clock ?? (() => new Date()),
      newGuid: this.options.newGuid ?? (() => globalThis.crypto.randomUUID()),
      services: this.options.services ?? {},
      parameter: (name) => (outer ? outer.parameter(name) : this.parameter(name)),
      variable: (name) => (outer ? outer.variable(name) : this.variable(name)),
      copyIndex: () => {
        throw new ExpressionError(
          "The template function 'copyIndex' is not expected at this location. The function can only be used in a resource with copy specified. Please see https://aka.ms/arm-copy for usage details.",
        );
      },
      userFunction: (name) => this.userFunction(name) ?? outer?.userFunction(name),
      resolveResource: (nameOrId) => this.resolveResource(nameOrId),
      deployment: () => this.deploymentObject(),
      environment: () => this.options.environment ?? DEFAULT_ENVIRONMENT,
      lambdaVariables: new Map(),
      allowsNondeterministic: false,
      ...overrides,
    };
  }

  // ------------------------------------------------------------------ parameters

  parameter(name: string): Json {
    const key = findKey(this.parameterValues, name);
    if (key === undefined) {
      throw new ExpressionError(`The template parameter '${name}' is not found. Please see https://aka.ms/arm-syntax-parameters for usage details.`);
    }
    return this.parameterValues[key];
  }

  private bindParameters(): void {
    const declared: JsonObject = isObject(this.template.parameters) ? this.template.parameters : {};
    const given: Record<string, Json> = {};
    for (const [k, v] of Object.entries(this.options.parameters ?? {})) {
      if (this.options.wrappedParameters) {
        if (isObject(v) && 'value' in v) given[k] = v.value;
        else if (isObject(v) && 'reference' in v) {
          throw new TemplateError('InvalidTemplateDeployment', `The parameter '${k}' is a Key Vault reference, which Arclight can't resolve.`);
        }
      } else given[k] = v;
    }
    const unknown = Object.keys(given).filter((k) => findKey(declared, k) === undefined);
    if (unknown.length) {
      throw validationFailed(
        `The template parameters '${unknown.join(', ')}' in the parameters file are not valid; they are not present in the original template and can therefore not be provided at deployment time. The only supported parameters for this template are '${Object.keys(declared).join(', ')}'. Please see https://aka.ms/arm-pass-parameter-values for usage details.`,
      );
    }
    // Defaults may use other parameters: resolve on demand, in any order, refusing circles.
    const busy = new Set<string>();
    const resolve = (name: string): Json => {
      if (Object.prototype.hasOwnProperty.call(this.parameterValues, name)) return this.parameterValues[name];
      const decl = declared[name];
      const path = pointer('parameters', name);
      const position = this.position(path);
      if (!isObject(decl)) throw validationFailed(`The template parameter '${name}' is not valid: a parameter must be an object.`, path, position);
      const definition = this.resolveDeclaration(decl, name);
      const givenKey = findKey(given, name);
      let value: Json;
      // A null value counts as not given: the default applies (templates pass tryGet(...) results on).
      if (givenKey !== undefined && (given[givenKey] !== null || !('defaultValue' in decl))) value = given[givenKey];
      else if ('defaultValue' in decl) {
        if (busy.has(name)) throw validationFailed(`The template parameter '${name}' is not valid: its default value refers to itself.`, path, position);
        busy.add(name);
        try {
          value = evaluateValue(
            clone(decl.defaultValue),
            this.baseContext({
              allowsNondeterministic: true,
              parameter: (n) => {
                const k = findKey(declared, n);
                if (k === undefined) throw new ExpressionError(`The template parameter '${n}' is not found. Please see https://aka.ms/arm-syntax-parameters for usage details.`);
                return resolve(k);
              },
              variable: () => {
                throw new ExpressionError("The template function 'variables' is not expected at this location. Please see https://aka.ms/arm-functions for usage details.");
              },
            }),
          );
        } catch (e) {
          throw wrap(e, `The template parameter '${name}'${at(position)} is not valid`, path, position);
        } finally {
          busy.delete(name);
        }
      } else if (definition.nullable === true) value = null;
      else {
        throw validationFailed(
          `The value for the template parameter '${name}'${at(position)} is not provided. Please see https://aka.ms/arm-create-parameter-file for usage details.`,
          path,
          position,
        );
      }
      checkValue(value, decl, { name, position, definitions: this.definitions, kind: 'parameter' });
      this.parameterValues[name] = value;
      return value;
    };
    for (const name of Object.keys(declared)) {
      resolve(name);
      const decl = declared[name];
      const definition = this.resolveDeclaration(decl, name);
      const type = typeof definition.type === 'string' ? definition.type : 'object';
      this.declaredTypes[name] = type;
      if (isSecureType(type)) this.secureParameters.add(name);
    }
  }

  private resolveDeclaration(decl: JsonObject, name: string): JsonObject {
    let d = decl;
    for (let i = 0; typeof d.$ref === 'string' && i < 32; i++) {
      const m = /^#\/definitions\/(.+)$/.exec(d.$ref);
      const target = m ? this.definitions[m[1]] : undefined;
      if (!isObject(target)) throw validationFailed(`The template parameter '${name}' refers to the type '${d.$ref}', which is not defined in the template's definitions.`);
      const { $ref: _r, ...rest } = d;
      d = { ...target, ...rest };
    }
    return d;
  }

  /** Parameters as the deployment shows them: secure ones without their value. */
  displayParameters(): Record<string, { type: string; value?: Json }> {
    const out: Record<string, { type: string; value?: Json }> = {};
    for (const [name, value] of Object.entries(this.parameterValues)) {
      const t = this.declaredTypes[name] ?? 'Object';
      const type = { string: 'String', securestring: 'SecureString', int: 'Int', bool: 'Bool', object: 'Object', secureobject: 'SecureObject', array: 'Array' }[t.toLowerCase()] ?? t;
      out[name] = this.secureParameters.has(name) ? { type } : { type, value: clone(value) };
    }
    return out;
  }

  /** The secure parameters' values (every string inside them), for callers that must not echo them. */
  secretValues(): string[] {
    const out: string[] = [];
    const walk = (v: Json) => {
      if (typeof v === 'string' && v !== '') out.push(v);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (isObject(v)) Object.values(v).forEach(walk);
    };
    for (const name of this.secureParameters) walk(this.parameterValues[name]);
    return out;
  }

  /** `text` with every secure value replaced by '[redacted]'. */
  redact(text: string): string {
    let out = text;
    for (const s of this.secretValues().sort((a, b) => b.length - a.length)) out = out.split(s).join('[redacted]');
    return out;
  }

  // ------------------------------------------------------------------ variables and functions

  variable(name: string): Json {
    const vars: JsonObject = isObject(this.template.variables) ? this.template.variables : {};
    const copies: JsonObject[] = Array.isArray(vars.copy) ? vars.copy.filter(isObject) : [];
    const copy = copies.find((c) => typeof c.name === 'string' && c.name.toLowerCase() === name.toLowerCase());
    const key = copy ? copy.name : findKey(vars, name);
    if (key === undefined || (key === 'copy' && !copy)) {
      throw new ExpressionError(`The template variable '${name}' is not found. Please see https://aka.ms/arm-syntax-variables for usage details.`);
    }
    const cacheKey = key.toLowerCase();
    const cached = this.variableCache.get(cacheKey);
    if (cached?.busy) throw new ExpressionError(`The template variable '${key}' refers to itself.`);
    if (cached) return cached.value;
    this.variableCache.set(cacheKey, { busy: true });
    const path = pointer('variables', key);
    try {
      let value: Json;
      if (copy) {
        value = evaluateValue({ copy: [{ name: copy.name, count: copy.count, input: copy.input }] }, this.baseContext())[copy.name];
      } else value = evaluateValue(clone(vars[key]), this.baseContext());
      this.variableCache.set(cacheKey, { value, busy: false });
      return value;
    } catch (e) {
      this.variableCache.delete(cacheKey);
      if (e instanceof TemplateError) throw e;
      throw wrap(e, `The template variable '${key}' is not valid`, path, this.position(path));
    }
  }

  private loadFunctions(): void {
    const list = Array.isArray(this.template.functions) ? this.template.functions : [];
    for (const ns of list) {
      if (!isObject(ns) || typeof ns.namespace !== 'string' || !isObject(ns.members)) continue;
      for (const [member, def] of Object.entries(ns.members)) {
        if (!isObject(def) || !isObject(def.output)) continue;
        const params = Array.isArray(def.parameters) ? def.parameters.filter(isObject) : [];
        this.functions.set(`${ns.namespace}.${member}`.toLowerCase(), { parameters: params, output: def.output });
      }
    }
  }

  userFunction(name: string): ((args: Json[]) => Json) | undefined {
    const fn = this.functions.get(name.toLowerCase());
    if (!fn) return undefined;
    return (args) => {
      if (args.length !== fn.parameters.length) {
        throw new ExpressionError(`The template function '${name}' expects ${fn.parameters.length} parameter(s), but ${args.length} were provided.`);
      }
      const values: Record<string, Json> = {};
      fn.parameters.forEach((p, i) => {
        checkValue(args[i], p, { name: `${name}.${String(p.name)}`, definitions: this.definitions, kind: 'parameter' });
        values[String(p.name)] = args[i];
      });
      const ctx = this.baseContext({
        parameter: (n) => {
          const k = findKey(values, n);
          if (k === undefined) throw new ExpressionError(`The template function '${name}' has no parameter '${n}'.`);
          return values[k];
        },
        variable: () => {
          throw new ExpressionError(`User-defined functions can't use variables: '${name}'.`);
        },
      });
      return evaluateValue(clone(fn.output.value), ctx);
    };
  }

  // ------------------------------------------------------------------ resources

  private declarations(): Declaration[] {
    const res = this.template.resources ?? [];
    if (Array.isArray(res)) return res.filter(isObject).map((raw, i) => ({ raw, path: pointer('resources', i) }));
    return Object.entries(res as JsonObject)
      .filter(([, raw]) => isObject(raw))
      .map(([symbolicName, raw]) => ({ raw: raw as JsonObject, path: pointer('resources', symbolicName), symbolicName }));
  }

  private expandResources(): void {
    const queue = this.declarations();
    while (queue.length) {
      const decl = queue.shift()!;
      for (const entry of this.expandOne(decl, queue)) {
        this.entries.push(entry);
        this.byKey.set(entry.key.toLowerCase(), entry);
      }
    }
  }

  private expandOne(decl: Declaration, queue: Declaration[]): Entry[] {
    const { raw, path } = decl;
    const position = this.position(path);
    const label = () => (typeof raw.name === 'string' ? raw.name : path);
    const fail = (e: unknown, name?: string): never => {
      throw wrap(e, `The template resource '${name ?? label()}'${at(position)} is not valid`, path, position);
    };
    const copy = isObject(raw.copy) ? raw.copy : undefined;
    let count = 1;
    let copyName: string | undefined;
    let mode: 'parallel' | 'serial' = 'parallel';
    let batchSize: number | undefined;
    if (copy) {
      try {
        const c = evaluateValue(copy.count, this.baseContext());
        if (typeof c !== 'number' || !Number.isInteger(c) || c < 0) {
          throw new ExpressionError(`The copy count must be a non-negative integer; got '${JSON.stringify(c)}'.`);
        }
        if (c > 800) throw new ExpressionError(`The copy count '${c}' exceeds the maximum of '800'.`);
        count = c;
        copyName = typeof copy.name === 'string' ? (evaluateString(copy.name, this.baseContext()) as string) : decl.symbolicName;
        if (typeof copy.mode === 'string' && copy.mode.toLowerCase() === 'serial') mode = 'serial';
        if (copy.batchSize !== undefined) {
          const b = evaluateValue(copy.batchSize, this.baseContext());
          if (typeof b !== 'number' || !Number.isInteger(b) || b < 1) throw new ExpressionError(`The copy batchSize must be a positive integer; got '${JSON.stringify(b)}'.`);
          batchSize = b;
        }
      } catch (e) {
        fail(e);
      }
    }
    const out: Entry[] = [];
    for (let i = 0; i < count; i++) {
      const copyIndexes = (loop: string | undefined): number => {
        if (copy && (loop === undefined || (copyName !== undefined && loop.toLowerCase() === copyName.toLowerCase()))) return i;
        if (decl.parent?.ctxIndex) return decl.parent.ctxIndex(loop);
        throw new ExpressionError(
          "The template function 'copyIndex' is not expected at this location. The function can only be used in a resource with copy specified. Please see https://aka.ms/arm-copy for usage details.",
        );
      };
      const ctx = this.baseContext({ copyIndex: copyIndexes });
      let name = '';
      try {
        const key = copy ? `${decl.symbolicName ?? path}[${i}]` : (decl.symbolicName ?? path);
        if (raw.condition !== undefined) {
          const cond = evaluateValue(raw.condition, ctx);
          if (typeof cond !== 'boolean') throw new ExpressionError(`The template resource condition must be a boolean; got '${JSON.stringify(cond)}'.`);
          if (!cond) {
            this.skipped.add(key.toLowerCase());
            if (decl.symbolicName) this.skipped.add(decl.symbolicName.toLowerCase());
            if (copyName) this.skipped.add(copyName.toLowerCase());
            this.recordSkipped(raw, ctx, decl);
            continue;
          }
        }
        name = String(evaluateValue(raw.name, ctx));
        let type = String(evaluateValue(raw.type, ctx));
        if (decl.parent && !type.includes('/')) {
          type = `${decl.parent.type}/${type}`;
          name = `${decl.parent.name}/${name}`;
        }
        const apiVersion = raw.apiVersion === undefined ? '' : String(evaluateValue(raw.apiVersion, ctx));
        const subscriptionId = raw.subscriptionId === undefined ? undefined : String(evaluateValue(raw.subscriptionId, ctx));
        const resourceGroup = raw.resourceGroup === undefined ? undefined : String(evaluateValue(raw.resourceGroup, ctx));
        const scopeValue = raw.scope === undefined ? undefined : String(evaluateValue(raw.scope, ctx));
        const { id, scope } = this.resourceIdOf(type, name, scopeValue, subscriptionId, resourceGroup, path, position);
        const dependsOn: string[] = [];
        if (Array.isArray(raw.dependsOn)) for (const d of raw.dependsOn) dependsOn.push(String(evaluateValue(d, ctx)));
        const entry: Entry = {
          key,
          symbolicName: decl.symbolicName,
          id,
          type,
          name,
          apiVersion,
          scope,
          subscriptionId,
          resourceGroup,
          existing: raw.existing === true,
          dependsOn,
          path,
          raw,
          copyIndexes,
          copyName,
          state: 'waiting',
        };
        if (copy) entry.copy = { name: copyName ?? key, index: i, count, mode, ...(batchSize !== undefined ? { batchSize } : {}) };
        if (mode === 'serial' && copy) {
          const size = batchSize ?? 1;
          const batch = Math.floor(i / size);
          if (batch > 0) {
            for (let j = (batch - 1) * size; j < batch * size; j++) entry.dependsOn.push(`\u0000${decl.symbolicName ?? path}[${j}]`);
          }
        }
        out.push(entry);
        if (Array.isArray(raw.resources)) {
          raw.resources.forEach((child: Json, ci: number) => {
            if (isObject(child)) queue.push({ raw: child, path: `${path}/resources/${ci}`, parent: { type, name, ctxIndex: copy ? copyIndexes : undefined } });
          });
        }
      } catch (e) {
        if (e instanceof TemplateError) throw e;
        fail(e, name || undefined);
      }
    }
    return out;
  }

  private resourceIdOf(
    type: string,
    name: string,
    scopeValue: string | undefined,
    subscriptionId: string | undefined,
    resourceGroup: string | undefined,
    path: string,
    position: TextPosition | undefined,
  ): { id: string; scope: string } {
    const types = type.split('/');
    const names = name.split('/');
    if (types.length < 2 || names.length !== types.length - 1 || names.some((n) => n === '')) {
      throw validationFailed(
        `The template resource '${name}' for type '${type}'${at(position)} has incorrect segment lengths. A nested resource type must have identical number of segments as its resource name. A root resource type must have segment length one greater than its resource name. Please see https://aka.ms/arm-syntax-resources for usage details.`,
        path,
        position,
      );
    }
    let tail = `${types[0]}/${types[1]}/${names[0]}`;
    for (let i = 2; i < types.length; i++) tail += `/${types[i]}/${names[i - 1]}`;
    const s = this.options.scope;
    const sub = subscriptionId ?? s.subscriptionId;
    const rgName = resourceGroup ?? (subscriptionId ? undefined : s.resourceGroup?.name);
    let scope: string;
    if (scopeValue !== undefined && scopeValue !== '' && scopeValue !== '/') {
      if (scopeValue.startsWith('/')) scope = scopeValue.replace(/\/+$/, '');
      else {
        // A relative scope: '<namespace>/<type>/<name>' in the deployment's resource group.
        const st = scopeValue.split('/');
        let rel = `${st[0]}/${st[1]}/${st[2]}`;
        for (let i = 3; i + 1 < st.length; i += 2) rel += `/${st[i]}/${st[i + 1]}`;
        scope = `${this.scopeRoot(sub, rgName)}/providers/${rel}`;
      }
    } else scope = this.scopeRoot(sub, rgName);
    if (type.toLowerCase() === 'microsoft.resources/resourcegroups' && types.length === 2) {
      return { id: `/subscriptions/${sub}/resourceGroups/${name}`, scope: `/subscriptions/${sub}` };
    }
    if (type.toLowerCase() === 'microsoft.resources/subscriptions' && types.length === 2) {
      return { id: `/subscriptions/${name}`, scope: '' };
    }
    return { id: `${scope}/providers/${tail}`, scope };
  }

  private scopeRoot(sub: string | undefined, rg: string | undefined): string {
    const s = this.options.scope;
    if (sub && rg) return `/subscriptions/${sub}/resourceGroups/${rg}`;
    if (sub) return `/subscriptions/${sub}`;
    if (s.managementGroup) return `/providers/Microsoft.Management/managementGroups/${s.managementGroup}`;
    return '';
  }

  /** reference()/dependsOn targets: symbolic name, copy loop instance, id, 'type/name' or name. */
  private lookup(target: string): Entry[] {
    const t = target.toLowerCase();
    const direct = this.byKey.get(t);
    if (direct) return [direct];
    const bySymbol = this.entries.filter((e) => e.symbolicName?.toLowerCase() === t || e.copyName?.toLowerCase() === t);
    if (bySymbol.length) return bySymbol;
    const byId = this.entries.filter((e) => e.id.toLowerCase() === t);
    if (byId.length) return byId;
    const byTypeName = this.entries.filter(
      (e) => `${e.type}/${e.name}`.toLowerCase() === t || e.id.toLowerCase().endsWith(`/providers/${t}`),
    );
    if (byTypeName.length) return byTypeName;
    if (!t.includes('/')) {
      const byName = this.entries.filter((e) => e.name.toLowerCase() === t);
      if (byName.length) return byName;
    }
    // resourceId() without the deployment's scope prefix ('/providers/...', a subscription-level id).
    return t.startsWith('/providers/') ? this.entries.filter((e) => e.id.toLowerCase().endsWith(t)) : [];
  }

  resolveResource(nameOrId: string): { id: string; apiVersion?: string } | undefined {
    const found = this.lookup(nameOrId);
    if (found.length !== 1) return undefined;
    return { id: found[0].id, apiVersion: found[0].apiVersion || undefined };
  }

  private resolveDependencies(): void {
    for (const e of this.entries) {
      const deps = new Set<string>();
      for (const d of e.dependsOn) {
        if (d.startsWith('\u0000')) {
          const target = this.byKey.get(d.slice(1).toLowerCase());
          if (target) deps.add(target.key);
          continue;
        }
        const found = this.lookup(d);
        if (found.length === 0) {
          if (this.skipped.has(d.toLowerCase()) || this.isSkippedTarget(d)) continue;
          throw validationFailed(`The resource '${d}' is not defined in the template. Please see https://aka.ms/arm-template for usage details.`, e.path, this.position(e.path));
        }
        for (const f of found) if (f !== e && !f.existing) deps.add(f.key);
      }
      // reference()/list*() of another resource of the template is an implicit dependency.
      for (const target of this.referencedTargets(e)) {
        for (const f of this.lookup(target)) if (f !== e && !f.existing) deps.add(f.key);
      }
      e.dependsOn = [...deps];
    }
  }

  /** A resource whose condition is false: its id and names, so dependsOn to it can be dropped. */
  private recordSkipped(raw: JsonObject, ctx: EvalContext, decl: Declaration): void {
    try {
      let name = String(evaluateValue(raw.name, ctx));
      let type = String(evaluateValue(raw.type, ctx));
      if (decl.parent && !type.includes('/')) {
        type = `${decl.parent.type}/${type}`;
        name = `${decl.parent.name}/${name}`;
      }
      const scopeValue = raw.scope === undefined ? undefined : String(evaluateValue(raw.scope, ctx));
      const sub = raw.subscriptionId === undefined ? undefined : String(evaluateValue(raw.subscriptionId, ctx));
      const rg = raw.resourceGroup === undefined ? undefined : String(evaluateValue(raw.resourceGroup, ctx));
      const { id } = this.resourceIdOf(type, name, scopeValue, sub, rg, '', undefined);
      for (const s of [id, `${type}/${name}`, name]) this.skipped.add(s.toLowerCase());
    } catch {
      // a name that can't be evaluated can't be depended on either
    }
  }

  /** Whether `d` names a resource whose condition was false (dropped from dependsOn as Azure does). */
  private isSkippedTarget(d: string): boolean {
    const t = d.toLowerCase();
    return [...this.skipped].some((s) => s === t || (t.startsWith('/providers/') && s.endsWith(t)));
  }

  private referencedTargets(e: Entry): string[] {
    const out: string[] = [];
    // No services while planning: a nested reference() must not reach the caller before deployment.
    const ctx = this.baseContext({ copyIndex: e.copyIndexes, services: {} });
    const visitNode = (n: Node) => {
      if (n.kind === 'call') {
        const lower = n.name.toLowerCase();
        if ((lower === 'reference' || lower.startsWith('list')) && n.args.length > 0) {
          try {
            const v = evaluateNode(n.args[0], ctx);
            if (typeof v === 'string') out.push(v);
          } catch {
            // not known before deployment: no implicit dependency
          }
        }
        n.args.forEach(visitNode);
      } else if (n.kind === 'property') visitNode(n.target);
      else if (n.kind === 'index') {
        visitNode(n.target);
        visitNode(n.index);
      }
    };
    const walk = (v: Json, key?: string) => {
      if (typeof v === 'string' && isExpression(v)) {
        try {
          visitNode(parseExpression(v));
        } catch {
          // a syntax error surfaces when the body is evaluated
        }
      } else if (Array.isArray(v)) v.forEach((x) => walk(x));
      else if (isObject(v)) {
        for (const [k, x] of Object.entries(v)) {
          if (key === undefined && TEMPLATE_KEYS.has(k)) continue;
          if (k === 'template' && key === 'properties' && e.type.toLowerCase() === 'microsoft.resources/deployments') continue;
          walk(x, k);
        }
      }
    };
    walk(e.raw);
    return out;
  }

  private order(): void {
    const state = new Map<string, 'visiting' | 'done'>();
    const sorted: Entry[] = [];
    const visit = (e: Entry) => {
      const s = state.get(e.key);
      if (s === 'done') return;
      if (s === 'visiting') {
        throw validationFailed(`Circular dependency detected on resource: '${e.id}'. Please see https://aka.ms/arm-syntax-resources for usage details.`, e.path, this.position(e.path));
      }
      state.set(e.key, 'visiting');
      for (const d of e.dependsOn) visit(this.byKey.get(d.toLowerCase())!);
      state.set(e.key, 'done');
      sorted.push(e);
    };
    this.entries.forEach(visit);
    this.entries.splice(0, this.entries.length, ...sorted);
    for (const e of this.entries) if (e.existing) e.state = 'done';
  }

  // ------------------------------------------------------------------ the caller's side

  /** Every resource the template deploys (not `existing` ones), in an order that respects dependencies. */
  get resources(): PlannedResource[] {
    return this.entries.filter((e) => !e.existing).map(publicView);
  }

  /** `existing` resources the template reads. */
  get existingResources(): PlannedResource[] {
    return this.entries.filter((e) => e.existing).map(publicView);
  }

  /** Resources whose dependencies are all complete and that were not handed out yet; marks them started. */
  ready(): PlannedResource[] {
    const out: Entry[] = [];
    for (const e of this.entries) {
      if (e.state !== 'waiting') continue;
      if (e.dependsOn.every((d) => this.byKey.get(d.toLowerCase())!.state === 'done')) out.push(e);
    }
    for (const e of out) e.state = 'started';
    return out.map(publicView);
  }

  /** Marks a resource deployed: the ones waiting on it may become ready. */
  complete(key: string): void {
    const e = this.byKey.get(key.toLowerCase());
    if (!e) throw new Error(`no resource '${key}' in this plan`);
    e.state = 'done';
  }

  /** Whether every resource was completed. */
  get finished(): boolean {
    return this.entries.every((e) => e.state === 'done');
  }

  /** The resource's PUT body, its expressions evaluated now (reference() reads the caller's state). */
  body(resource: PlannedResource | string): JsonObject {
    const e = this.byKey.get((typeof resource === 'string' ? resource : resource.key).toLowerCase());
    if (!e) throw new Error(`no resource '${String(typeof resource === 'string' ? resource : resource.key)}' in this plan`);
    const ctx = this.baseContext({ copyIndex: e.copyIndexes });
    const isDeployment = e.type.toLowerCase() === 'microsoft.resources/deployments';
    const out: JsonObject = {};
    try {
      for (const [k, v] of Object.entries(e.raw)) {
        if (TEMPLATE_KEYS.has(k)) continue;
        if (k === 'properties' && isDeployment && isObject(v)) {
          const { template, ...rest } = v;
          const props = evaluateValue(clone(rest), ctx) as JsonObject;
          if (template !== undefined) props.template = clone(template);
          out[k] = props;
        } else out[k] = evaluateValue(clone(v), ctx);
      }
    } catch (err) {
      throw wrap(err, `The template resource '${e.name}'${at(this.position(e.path))} is not valid`, e.path, this.position(e.path));
    }
    return out;
  }

  /** What a nested Microsoft.Resources/deployments resource runs, from its evaluated body. */
  nestedDeployment(resource: PlannedResource, body: JsonObject): NestedDeployment {
    const props = isObject(body.properties) ? body.properties : {};
    const evaluation = isObject(props.expressionEvaluationOptions) && typeof props.expressionEvaluationOptions.scope === 'string' && props.expressionEvaluationOptions.scope.toLowerCase() === 'inner' ? 'inner' : 'outer';
    const parameters: Record<string, Json> = {};
    if (isObject(props.parameters)) {
      for (const [k, v] of Object.entries(props.parameters)) parameters[k] = isObject(v) && 'value' in v ? v.value : v;
    }
    const s = this.options.scope;
    const sub = resource.subscriptionId ?? s.subscriptionId;
    const rgName = resource.resourceGroup ?? (resource.subscriptionId ? undefined : s.resourceGroup?.name);
    const scope: DeploymentScope = {
      ...s,
      subscriptionId: sub,
      deploymentName: resource.name,
      resourceGroup: rgName === undefined ? undefined : rgName === s.resourceGroup?.name && sub === s.subscriptionId ? s.resourceGroup : { name: rgName, location: typeof body.location === 'string' ? body.location : (s.resourceGroup?.location ?? '') },
    };
    if (rgName === undefined) delete scope.resourceGroup;
    return { template: props.template ?? {}, parameters: evaluation === 'inner' ? parameters : {}, evaluation, scope, mode: typeof props.mode === 'string' ? props.mode : 'Incremental' };
  }

  /** Options for running a nested deployment's template with {@link prepareTemplate}. */
  nestedOptions(nested: NestedDeployment, base: Omit<TemplateOptions, 'scope' | 'parameters' | 'outer'> = {}): TemplateOptions {
    return {
      clock: this.options.clock,
      newGuid: this.options.newGuid,
      services: this.options.services,
      environment: this.options.environment,
      ...base,
      scope: nested.scope,
      parameters: nested.parameters,
      ...(nested.evaluation === 'outer' ? { outer: this } : {}),
    };
  }

  /** The template's outputs, evaluated now (after the resources are deployed). */
  outputs(): Record<string, OutputValue> {
    const out: Record<string, OutputValue> = {};
    const defs: JsonObject = isObject(this.template.outputs) ? this.template.outputs : {};
    for (const [name, def] of Object.entries(defs)) {
      if (!isObject(def)) continue;
      const path = pointer('outputs', name);
      const position = this.position(path);
      try {
        const ctx = this.baseContext();
        if (def.condition !== undefined) {
          const cond = evaluateValue(def.condition, ctx);
          if (cond === false) continue;
        }
        let value: Json;
        if (isObject(def.copy)) {
          value = this.evaluateOutputCopy(def.copy, ctx);
        } else value = evaluateValue(clone(def.value), ctx);
        const declared = this.resolveDeclaration(def, name);
        const type = typeof declared.type === 'string' ? declared.type : 'object';
        checkValue(value, def, { name, position, definitions: this.definitions, kind: 'output' });
        out[name] = { type, value, secure: isSecureType(type) };
      } catch (e) {
        if (e instanceof TemplateError) throw e;
        throw wrap(e, `The template output '${name}'${at(position)} is not valid`, path, position);
      }
    }
    return out;
  }

  private evaluateOutputCopy(copy: JsonObject, ctx: EvalContext): Json[] {
    const count = evaluateValue(copy.count, ctx);
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) throw new ExpressionError(`The copy count must be a non-negative integer; got '${JSON.stringify(count)}'.`);
    return Array.from({ length: count }, (_v, i) => evaluateValue(clone(copy.input), { ...ctx, copyIndex: () => i }));
  }

  private deploymentObject(): Json {
    const t = this.template;
    const template: JsonObject = { contentVersion: t.contentVersion ?? '1.0.0.0' };
    if (t.$schema !== undefined) template.$schema = t.$schema;
    if (t.metadata !== undefined) template.metadata = clone(t.metadata);
    const out: JsonObject = {
      name: this.options.scope.deploymentName,
      properties: {
        template,
        templateHash: BigInt(`0x${createHash('sha256').update(JSON.stringify(t)).digest('hex').slice(0, 16)}`).toString(),
        parameters: this.displayParameters(),
        mode: 'Incremental',
        provisioningState: 'Accepted',
      },
    };
    if (this.options.scope.location) out.location = this.options.scope.location;
    return out;
  }
}

function publicView(e: Entry): PlannedResource {
  const out: PlannedResource = {
    key: e.key,
    id: e.id,
    type: e.type,
    name: e.name,
    apiVersion: e.apiVersion,
    scope: e.scope,
    existing: e.existing,
    dependsOn: [...e.dependsOn],
    path: e.path,
  };
  if (e.symbolicName) out.symbolicName = e.symbolicName;
  if (e.subscriptionId) out.subscriptionId = e.subscriptionId;
  if (e.resourceGroup) out.resourceGroup = e.resourceGroup;
  if (e.copy) out.copy = { ...e.copy };
  return out;
}

/** Wraps an expression error with where it happened, in Azure's words. */
function wrap(e: unknown, where: string, path: string, position?: TextPosition): TemplateError {
  if (e instanceof TemplateError) return e;
  const detail = e instanceof Error ? e.message : String(e);
  return validationFailed(`${where}: ${detail} Please see https://aka.ms/arm-functions for usage details.`, path, position);
}

/** Expands and checks a template; the caller deploys its resources wave by wave. */
export function prepareTemplate(template: Json, options: TemplateOptions): TemplatePlan {
  return new TemplatePlan(template, options);
}

export interface EvaluatedResource extends PlannedResource {
  body: JsonObject;
}

/**
 * The whole template at once: every resource in dependency order with its body (reference()
 * goes to `services.reference`, which sees what the caller stored before), then the outputs.
 * `deploy` (optional) is called for each resource before the next wave is evaluated.
 */
export function evaluateTemplate(
  template: Json,
  options: TemplateOptions & { deploy?: (resource: EvaluatedResource) => void },
): { resources: EvaluatedResource[]; outputs: Record<string, OutputValue>; plan: TemplatePlan } {
  const plan = prepareTemplate(template, options);
  const resources: EvaluatedResource[] = [];
  for (let wave = plan.ready(); wave.length; wave = plan.ready()) {
    for (const r of wave) {
      const evaluated = { ...r, body: plan.body(r) };
      options.deploy?.(evaluated);
      resources.push(evaluated);
      plan.complete(r.key);
    }
  }
  return { resources, outputs: plan.outputs(), plan };
}
