import type {RouteDefinition} from '../types.js'

/**
 * The license handshake every SDK makes when it is constructed (reference §4.4). The SDKs then
 * send `x-descope-license` on each call; the emulator accepts and ignores it.
 */
export const licenseRoutes: RouteDefinition[] = [{handler: () => ({rateLimitTier: 'tier1'}), method: 'GET', path: '/v1/mgmt/license'}]
