/**
 * Path parameters after percent-decoding: a name that holds '/', '\' or a control character
 * would make an id that aliases another resource's (`aks%2Fproviders%2F...` would read as an
 * extension's path), so none reaches a handler. Each type's own name rule comes after this.
 */
import { ArmError } from '../../kit/armErrors';

const UNSAFE = /[/\\\u0000-\u001f\u007f]/;

/**
 * `spanning` names the parameters that hold a whole ARM id (`scope`): their slashes are the
 * id's, but not backslashes or control characters, and no empty or dot segment.
 */
export function refuseInvalidPathParameters(params: Readonly<Record<string, string>>, spanning?: ReadonlySet<string>): void {
  for (const [name, value] of Object.entries(params)) {
    if (spanning?.has(name)) {
      // Empty is the tenant root (`/providers/...`); otherwise no segment is empty, `.` or `..`.
      if (/[\\\u0000-\u001f\u007f]/.test(value) || (value !== '' && value.split('/').some((s) => s === '' || s === '.' || s === '..'))) {
        throw new ArmError(400, 'InvalidRequestUri', `The scope '${value}' for parameter '${name}' is not a valid resource id.`);
      }
      continue;
    }
    if (!UNSAFE.test(value)) continue;
    if (name === 'subscriptionId') {
      throw new ArmError(400, 'InvalidSubscriptionId', `The provided subscription identifier '${value}' is malformed or invalid.`, { gateway: true });
    }
    if (name === 'resourceGroupName') {
      throw new ArmError(400, 'InvalidResourceGroup',
        `The provided resource group name '${value}' has invalid characters. The name can only be a letter, digit, '-', '.', '(', ')' or '_'.`, { gateway: true });
    }
    throw new ArmError(400, 'InvalidResourceName', `The resource name '${value}' for parameter '${name}' is invalid: it cannot contain '/', '\\' or control characters.`);
  }
}
