/**
 * The walkthrough of `descope-mgmt quickstart` (and `help quickstart`); docs/quickstart.md holds
 * the same text under a title, and a test keeps the two equal.
 */
export const QUICKSTART = `From zero to a first apply, on the embedded emulator, then on a real project.

1. Write a starter configuration. It has the environment "local" (the embedded Descope
   emulator: no account, no network, state in .descope-emulator/) and one example tenant:

     descope-mgmt init

2. Check it, and preview the changes:

     descope-mgmt config validate -e local
     descope-mgmt plan -e local

   "+ tenant acme" means apply would create the tenant. Exit code 2: changes are pending.

3. Apply, then look:

     descope-mgmt apply -e local --yes
     descope-mgmt tenant list -e local
     descope-mgmt plan -e local          # nothing to change: exit code 0

4. Edit descope.yaml (add a tenant, a permission, a role), then plan and apply again. Every
   field is described in the JSON Schema (descope-mgmt config schema); editors with the YAML
   language server complete and check the file.

5. A real project. Create a management key (Company Settings > Management Keys in the Descope
   console). To adopt a project that already has tenants, import it:

     export DESCOPE_PROJECT_ID=P2...  DESCOPE_MANAGEMENT_KEY=K2...
     descope-mgmt init --from-live -e production --out production.yaml
     descope-mgmt plan -c production.yaml    # no changes: the file is the project

   Or add an environment to descope.yaml; secrets stay in environment variables:

     environments:
       production:
         projectId: \${PRODUCTION_PROJECT_ID}
         managementKey: \${PRODUCTION_MANAGEMENT_KEY}

   then: descope-mgmt plan -e production, and descope-mgmt apply -e production.
   apply takes a backup first (descope-mgmt backup list); --prune also deletes what the file
   does not declare.

Shell completion: descope-mgmt autocomplete bash (or zsh, powershell).
`
