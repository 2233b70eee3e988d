/**
 * A flux configuration's source: its `sourceKind` names the property that holds it. Part of the
 * resource's shape, read by the service (validation) and by the agents (what to sync).
 */
export const SOURCE_PROPERTY: Readonly<Record<string, string>> = {
  GitRepository: 'gitRepository',
  Bucket: 'bucket',
  AzureBlob: 'azureBlob',
  OCIRepository: 'ociRepository',
};

/** The property of `sourceKind`'s source, or undefined for a kind there is none of. */
export function sourcePropertyOf(sourceKind: unknown): string | undefined {
  return typeof sourceKind === 'string' && Object.hasOwn(SOURCE_PROPERTY, sourceKind) ? SOURCE_PROPERTY[sourceKind] : undefined;
}
