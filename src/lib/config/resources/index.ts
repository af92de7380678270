/**
 * The resource kinds of the configuration. A new kind (flows, theme) is one
 * module in this folder plus one line in each list below.
 */
import {flowsResource} from './flows.js'
import {permissionsResource} from './permissions.js'
import {rolesResource} from './roles.js'
import {tenantsResource} from './tenants.js'
import {themeResource} from './theme.js'

export const resourceModules = [tenantsResource, permissionsResource, rolesResource, flowsResource, themeResource] as const

/** The top-level keys of every resource kind, with their schemas, for the configuration schema. */
export const resourceShape = {
  [tenantsResource.key]: tenantsResource.schema,
  [permissionsResource.key]: permissionsResource.schema,
  [rolesResource.key]: rolesResource.schema,
  [flowsResource.key]: flowsResource.schema,
  [themeResource.key]: themeResource.schema,
}
