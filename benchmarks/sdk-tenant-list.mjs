// What a user would write instead of `descope-mgmt tenant list --json`: the official SDK's
// loadAll(), printed as JSON. Plain JavaScript (no TypeScript loader), so that `bench` times only
// Node, the SDK and the request. Reads DESCOPE_PROJECT_ID, DESCOPE_MANAGEMENT_KEY, DESCOPE_BASE_URL.
import DescopeClient from '@descope/node-sdk'

const {management} = DescopeClient({
  baseUrl: process.env.DESCOPE_BASE_URL,
  managementKey: process.env.DESCOPE_MANAGEMENT_KEY,
  projectId: process.env.DESCOPE_PROJECT_ID,
})
const response = await management.tenant.loadAll()
if (!response.ok) {
  console.error(`loadAll failed: ${response.error?.errorMessage ?? response.error?.errorDescription ?? 'unknown error'}`)
  process.exit(1)
}

console.log(JSON.stringify(response.data, null, 2))
