/**
 * `--json` output of the tenant, role and permission commands. Tenants, roles and permissions are
 * Descope's objects, printed as the Management API returns them (wire field names): the fields
 * below are typed, and fields Descope adds later pass through.
 */
import {z} from 'zod'

import {output, planAndApplySchema} from './common.js'

const customAttributeValue = z.union([z.boolean(), z.null(), z.number(), z.string(), z.array(z.string())])

export const tenantSchema = z
.looseObject({
  id: z.string(),
  name: z.string(),
  selfProvisioningDomains: z.array(z.string()).optional(),
  customAttributes: z.record(z.string(), customAttributeValue).optional(),
  authType: z.string().optional(),
  domains: z.array(z.string()).optional(),
  createdTime: z.number().optional().describe('Epoch seconds.'),
  disabled: z.boolean().optional(),
  enforceSSO: z.boolean().optional(),
  enforceSSOExclusions: z.array(z.string()).optional(),
  federatedAppIds: z.array(z.string()).optional(),
  parent: z.string().optional().describe('Id of the parent tenant of a sub-tenant.'),
  successors: z.array(z.string()).optional().describe('Ids of the direct sub-tenants.'),
  defaultRoles: z.array(z.string()).optional(),
  roleInheritance: z.enum(['', 'none', 'userOnly']).optional(),
})
.meta({id: 'Tenant', description: 'A Descope tenant, as the Management API returns it.'})

export const roleSchema = z
.looseObject({
  id: z.string().optional(),
  name: z.string(),
  description: z.string().optional(),
  permissionNames: z.array(z.string()).optional(),
  createdTime: z.number().optional(),
  tenantId: z.string().optional().describe('The tenant of a tenant role; absent or "" for a project role.'),
  default: z.boolean().optional(),
  private: z.boolean().optional(),
})
.meta({id: 'Role', description: 'A Descope role, as the Management API returns it.'})

export const permissionSchema = z
.looseObject({
  id: z.string().optional(),
  name: z.string(),
  description: z.string().optional(),
  systemDefault: z.boolean().optional().describe('A built-in permission of every project.'),
})
.meta({id: 'Permission', description: 'A Descope permission, as the Management API returns it.'})

export const resourceOutputs = {
  'tenant:list': output(z.array(tenantSchema), 'The tenants, sorted by id.'),
  'tenant:get': output(tenantSchema, 'The tenant.'),
  'tenant:create': output(tenantSchema, 'The new tenant, read back after the create.'),
  'tenant:update': output(tenantSchema, 'The tenant, read back after the update.'),
  'tenant:delete': output(z.strictObject({
    deleted: z.string().describe('Id of the deleted tenant.'),
    cascade: z.boolean(),
    backupId: z.string().optional().describe('The backup of the tenants taken before the delete (`backup restore` brings the tenant back).'),
  }), 'The id of the deleted tenant, and the backup taken before.'),
  'tenant:sync': output(planAndApplySchema, 'The plan of the tenants; with --apply and changes, also the outcome of the run.'),
  'role:list': output(z.array(roleSchema), 'The roles: project roles first, then tenant roles by tenant, each sorted by name.'),
  'permission:list': output(z.array(permissionSchema), 'The permissions, sorted by name.'),
}
