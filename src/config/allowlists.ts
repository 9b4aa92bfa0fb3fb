
/**
 * The ACL file that holds a backend's allowlist, relative to the config
 * (haproxy resolves it there, and the runtime API names it the same way).
 * One per backend, named after the backend's name, whose length a tenant
 * chooses: a digest keeps the file name short whatever the name. In a
 * subdirectory: there is one per spare too, and a generation that changes
 * none of them links the whole directory rather than each file
 * (src/haproxy/config-store.ts).
 */
export function allowlistFile(backendName: string): string {
  return `acl/allowlist-${Bun.SHA256.hash(backendName, 'hex').slice(0, 24)}.acl`;
}

/** One canonical address or range per line, as haproxy reads an ACL file. */
export function allowlistText(entries: readonly string[]): string {
  return entries.map((e) => `${e}\n`).join('');
}

/** What the ACL file of a backend without an allowlist (a spare, a route that dropped its list) holds: everyone. */
const EVERYONE = ['0.0.0.0/0', '::/0'] as const;

/** The entries of a backend's ACL file. */
export function allowlistEntries(b: { allowlist: readonly string[] | undefined }): readonly string[] {
  return b.allowlist ?? EVERYONE;
}
