import {createHash, randomInt} from 'node:crypto'

const alphanumerics = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** A Descope-looking id: the prefix, then random letters and digits up to `length` characters. */
export function randomId(prefix: string, length = 28): string {
  let id = prefix
  while (id.length < length) id += alphanumerics[randomInt(alphanumerics.length)]
  return id
}

/** The form in which a management key is compared and stored: never the key itself. */
export function keyDigest(key: string): string {
  return `sha256:${createHash('sha256').update(key).digest('hex')}`
}

/** How a key may be shown: first 2 characters, an ellipsis, last 4 (short keys are hidden). */
export function redactKey(key: string): string {
  return key.length < 12 ? '…' : `${key.slice(0, 2)}…${key.slice(-4)}`
}
