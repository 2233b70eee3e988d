/**
 * Every ARM response a test sees is validated against the spec's response schema for its
 * api-version: instances built by the helpers here report through onArmResponse, and the root
 * hook fails the test that produced a violation.
 */
import type { RenderedResponse, Services } from '../../server/surfaces/services';

export const violations: string[] = [];

export function checkResponses(services: Services): void {
  services.onArmResponse = (r: RenderedResponse) => {
    const status = Number(r.schemaStatus ?? r.status);
    const errors = r.definition.validateResponse(r.operation, status, r.body);
    if (errors) {
      violations.push(`${r.operation.operationId} (${r.definition.key}) ${status}: ${errors.map((e) => `${e.instancePath} ${e.message}`).join('; ')}`);
    }
  };
}

/** Returns and clears what was collected. */
export function takeViolations(): string[] {
  return violations.splice(0, violations.length);
}
