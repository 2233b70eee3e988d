/**
 * ARM's tag rules, shared by every tracked resource: at most 50 tags, names of 1-512
 * characters without < > % & \\ ? / or control characters, values up to 256 characters.
 * Violations are 400 InvalidTag, with the wording ARM uses for each rule.
 */
import { ArmError } from './armErrors';

const FORBIDDEN = /[<>%&\\?/\u0000-\u001f]/;
const invalid = (message: string) => new ArmError(400, 'InvalidTag', message);

export function validateTags(tags: unknown): Record<string, string> | undefined {
  if (tags === undefined || tags === null) return undefined;
  if (typeof tags !== 'object' || Array.isArray(tags)) throw invalid('The tags must be an object whose values are strings.');
  const entries = Object.entries(tags as Record<string, unknown>);
  if (entries.length > 50) throw invalid(`Too many tags specified. Requested tag count - '${entries.length}'. Maximum number of tags allowed - '50'.`);
  for (const [name, value] of entries) {
    if (name.trim() === '') throw invalid('The tag name must be non-null, non-empty and non-whitespace only. Please provide an actual value.');
    if (FORBIDDEN.test(name)) throw invalid(`The tag names '${name}' have reserved characters '<,>,%,&,\\,?,/' or control characters.`);
    if (name.length > 512) throw invalid(`Tag key too large. Following tag name '${name}' exceeded the maximum length. Maximum allowed length for tag name - '512' characters.`);
    if (typeof value !== 'string') throw invalid(`The value of tag '${name}' must be a string.`);
    if (value.length > 256) throw invalid(`Tag value too large. Following tag value '${value}' exceeded the maximum length. Maximum allowed length for tag value - '256' characters.`);
  }
  return tags as Record<string, string>;
}
