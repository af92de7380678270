import {Flags} from '@oclif/core'

import type {TenantChanges} from './input.js'

/** Flags shared by `tenant create` and `tenant update`. */
export const tenantFieldFlags = {
  name: Flags.string({description: 'Display name of the tenant (unique in the project).'}),
  domain: Flags.string({
    description: 'Self-provisioning email domain; repeat for several. On update, replaces the list.',
    multiple: true,
  }),
  attribute: Flags.string({
    description: 'Custom attribute as key=value; repeat for several. JSON values keep their type (seats=10, beta=true).',
    multiple: true,
  }),
  parent: Flags.string({description: 'Id of the parent tenant (set at creation only).'}),
  'enforce-sso': Flags.boolean({allowNo: true, description: 'Require SSO for the tenant\'s users.'}),
  disabled: Flags.boolean({allowNo: true, description: 'Disable the tenant (its users cannot sign in).'}),
  'role-inheritance': Flags.string({
    description: 'How sub-tenants inherit roles of this tenant ("default" means Descope\'s default).',
    options: ['default', 'none', 'userOnly'],
  }),
}

export function changesFromFlags(flags: {
  name?: string
  domain?: string[]
  attribute?: string[]
  parent?: string
  'enforce-sso'?: boolean
  disabled?: boolean
  'role-inheritance'?: string
}): TenantChanges {
  const inheritance = flags['role-inheritance']
  return {
    attributes: flags.attribute,
    disabled: flags.disabled,
    domains: flags.domain,
    enforceSSO: flags['enforce-sso'],
    name: flags.name,
    parent: flags.parent,
    roleInheritance: inheritance === undefined ? undefined : (inheritance === 'default' ? '' : (inheritance as 'none' | 'userOnly')),
  }
}
