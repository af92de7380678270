import type {RouteDefinition} from '../types.js'

import {auditRoutes} from './audit.js'
import {flowRoutes} from './flows.js'
import {licenseRoutes} from './license.js'
import {permissionRoutes} from './permissions.js'
import {projectRoutes} from './project.js'
import {roleRoutes} from './roles.js'
import {tenantRoutes} from './tenants.js'
import {themeRoutes} from './themes.js'

/** Every route of the emulated Management API. */
export const routes: RouteDefinition[] = [
  ...licenseRoutes,
  ...tenantRoutes,
  ...roleRoutes,
  ...permissionRoutes,
  ...auditRoutes,
  ...flowRoutes,
  ...themeRoutes,
  ...projectRoutes,
]
