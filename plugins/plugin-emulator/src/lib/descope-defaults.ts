/**
 * What Descope puts in every new project, so that a new emulator project looks like a new real one
 * (the `descope` contents, the default); `empty` leaves it all out. Where each item comes from:
 *
 * - Permissions "User Admin", "SSO Admin", "Impersonate", flagged `systemDefault: true` on the wire:
 *   the `systemDefault` field of `GET /v1/mgmt/permission/all` (node-sdk `lib/management/types.ts`
 *   Permission, OpenAPI `Permission`), and the names from terraform-provider-descope
 *   `internal/models/project/authorization/authorization.go` (`systemPermissions`, "a system
 *   permission and is already defined").
 * - Role "Tenant Admin" (project role): docs.descope.com/widgets/admins ("you can use the built-in
 *   \"Tenant Admin\" role", which has the "User Admin" permission). Its other permissions are not
 *   documented; SSO Admin is inferred from its name and the admin widgets. The Role wire type has no
 *   built-in marker (node-sdk, go-sdk, OpenAPI `Role`), so none is sent.
 * - Flows sign-up-or-in, sign-up, sign-in, step-up: docs.descope.com/flows/manage-flows ("Some of the
 *   out-of-the-box flows cannot be deleted. These flows are the step-up, sign-up-or-in, sign-up, and
 *   sign-in flows"); update-user: docs.descope.com/use-cases/authenticated-flows ("'step up' and
 *   'update user'"). Their real contents are Descope's templates; here each is a minimal valid flow
 *   (a start task and a screen) with Descope's display name, enough for list, export, diff and import.
 * - The default theme: docs.descope.com/styles ("A default style setting is chosen automatically");
 *   the theme routes serve it to every project that never imported one (flow-format `defaultTheme`),
 *   whatever the contents.
 */
import type {JsonObject, PermissionRecord, ProjectState} from './types.js'

import {EmulatorError} from './errors.js'
import {newId} from './routes/common.js'

/** What a new project holds: Descope's built-ins (`descope`, the default) or nothing (`empty`). */
export type NewProjectContents = 'descope' | 'empty'

export const newProjectContents: readonly NewProjectContents[] = ['descope', 'empty']

/** Checks a `newProjects` / `contents` value from a seed, an option or a flag. */
export function parseNewProjectContents(value: unknown, where: string): NewProjectContents {
  if (typeof value === 'string' && (newProjectContents as readonly string[]).includes(value)) return value as NewProjectContents
  throw new EmulatorError('invalidArgument', `${where} must be ${newProjectContents.map(name => `"${name}"`).join(' or ')}, not ${JSON.stringify(value)}`)
}

export const builtInPermissions: ReadonlyArray<{name: string; description: string}> = [
  {description: 'Manage users, roles and access keys of a tenant', name: 'User Admin'},
  {description: 'Configure SSO of a tenant', name: 'SSO Admin'},
  {description: 'Sign in as another user', name: 'Impersonate'},
]

export const builtInRoles: readonly JsonObject[] = [
  {description: 'Administers a tenant: its users and its SSO', name: 'Tenant Admin', permissionNames: ['User Admin', 'SSO Admin']},
]

const flowNames: Record<string, string> = {
  'sign-in': 'Sign In',
  'sign-up': 'Sign Up',
  'sign-up-or-in': 'Sign Up or In',
  'step-up': 'Step Up',
  'update-user': 'Update User',
}

export const builtInFlowIds: readonly string[] = Object.keys(flowNames)

/** A minimal valid v2 flow: a start task leading to one screen. */
function builtInFlow(flowId: string): JsonObject {
  const screenId = `${flowId}-screen`
  return {
    contents: {
      startTask: 'start',
      tasks: {
        screen: {
          id: 'screen', name: flowNames[flowId], screenId, type: 'screen', view: {x: 250, y: 0},
        },
        start: {
          id: 'start', name: 'start', next: {rules: [{interactionId: '', taskId: 'screen'}]}, view: {x: 0, y: 0},
        },
      },
    },
    flowId,
    metadata: {description: `${flowNames[flowId]}, as Descope provides it in a new project`, name: flowNames[flowId]},
    references: {},
    screens: [{contents: {}, interactions: [], screenId}],
  }
}

export function builtInFlows(): JsonObject[] {
  return builtInFlowIds.map(flowId => builtInFlow(flowId))
}

/**
 * Adds the built-in permissions straight to the project: no API request can create a
 * `systemDefault` permission. Names the seed declares itself are left to the seed.
 */
export function addBuiltInPermissions(project: ProjectState, except: ReadonlySet<string>): void {
  for (const permission of builtInPermissions) {
    if (except.has(permission.name)) continue
    const record: PermissionRecord = {...permission, id: newId('PE', project.permissions), systemDefault: true}
    project.permissions.set(record.id, record)
  }
}
