// Who counts as root, for the Dockerfile `USER` rules and the Compose `user:` rules alike.

/** root, uid 0 (any number of zeros) and Windows' ContainerAdministrator. */
export function isRootUser(user: string): boolean {
  return user === 'root' || /^0+$/.test(user) || user.toLowerCase() === 'containeradministrator';
}

/** A `user[:group]` value whose user part is root (`root`, `0`, `root:*`, `0:*`, ContainerAdministrator). */
export function isRootUserSpec(value: string): boolean {
  return isRootUser(value.split(':')[0].trim());
}
