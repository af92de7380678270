/**
 * What descope-mgmt and its plugins share. Each part is also its own entry point
 * (`@descope-mgmt/shared/suggest`…), so a command loads only what it uses.
 */
export * from './flow-format.js'
export * from './services.js'
export * from './suggest.js'
export * from './table.js'
