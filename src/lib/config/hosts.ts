/**
 * Where the management key may be sent. A configuration file in a pull request can point an
 * environment anywhere, and CI then hands that host a real key: so the key goes only over https,
 * except to loopback (the emulator), and only to Descope's API hosts unless another host is
 * allowed from outside the file (DESCOPE_MGMT_ALLOWED_HOSTS or --allow-host).
 */
import {isIP} from 'node:net'

export const ENV_ALLOWED_HOSTS = 'DESCOPE_MGMT_ALLOWED_HOSTS'

/** `api.descope.com` and the regional `api.<region>.descope.com`. */
const DESCOPE_API_HOST = /^api(?:\.[a-z\d-]+)?\.descope\.com$/

/** URL.hostname keeps the brackets of an IPv6 address. */
function bareHost(hostname: string): string {
  return hostname.toLowerCase().replace(/^\[(.*)]$/, '$1').replace(/\.$/, '')
}

export function isLoopbackHost(hostname: string): boolean {
  const host = bareHost(hostname)
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  if (isIP(host) === 4) return host.startsWith('127.')
  return host === '::1'
}

export function isDescopeApiHost(hostname: string): boolean {
  return DESCOPE_API_HOST.test(bareHost(hostname))
}

/** Hosts allowed from outside the file: the flag's values and the comma-separated variable. */
export function allowedHosts(flagValues: readonly string[] | undefined, env: NodeJS.ProcessEnv): string[] {
  return [...(flagValues ?? []), ...(env[ENV_ALLOWED_HOSTS] ?? '').split(',')]
  .flatMap(value => value.split(','))
  .map(value => bareHost(value.trim()))
  .filter(Boolean)
}

export type HostRefusal = {reason: 'cleartext'; host: string} | {reason: 'unknown_host'; host: string}

/**
 * Why the key must not be sent to this URL, or undefined when it may: http:// only to loopback;
 * https:// to Descope, loopback or an allowed host.
 */
export function refuseApiUrl(url: URL, allowed: readonly string[] = []): HostRefusal | undefined {
  const host = bareHost(url.hostname)
  if (isLoopbackHost(host)) return undefined
  if (url.protocol !== 'https:') return {host, reason: 'cleartext'}
  if (isDescopeApiHost(host) || allowed.includes(host)) return undefined
  return {host, reason: 'unknown_host'}
}

/** One sentence on a refusal, and how to fix it. */
export function describeRefusal(refusal: HostRefusal): {message: string; hint: string} {
  if (refusal.reason === 'cleartext') {
    return {
      hint: 'Use https://, or http:// only to a loopback address such as the emulator (127.0.0.1, localhost).',
      message: `sends the management key in clear text to ${refusal.host}: http:// is allowed only to a loopback address`,
    }
  }

  return {
    hint: `If ${refusal.host} is your Descope custom domain or proxy, allow it from outside the file: ${ENV_ALLOWED_HOSTS}=${refusal.host} or --allow-host ${refusal.host}.`,
    message: `points the management key at ${refusal.host}, which is neither Descope's API (api.descope.com, api.<region>.descope.com) nor loopback`,
  }
}
