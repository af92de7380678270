/**
 * The resource kinds of the configuration. A new kind (roles, permissions, flows, theme) is one
 * module in this folder plus one line in each list below.
 */
import {tenantsResource} from './tenants.js'

export const resourceModules = [tenantsResource] as const

/** The top-level keys of every resource kind, with their schemas, for the configuration schema. */
export const resourceShape = {
  [tenantsResource.key]: tenantsResource.schema,
}
