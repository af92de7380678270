import nock from 'nock'

// No test may reach the network; loopback stays open for the emulator.
nock.disableNetConnect()
nock.enableNetConnect(host => /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(host))

// Descope credentials of the developer's shell must not leak into tests.
for (const name of ['DESCOPE_PROJECT_ID', 'DESCOPE_MANAGEMENT_KEY', 'DESCOPE_BASE_URL']) delete process.env[name]

// Tables fit COLUMNS, or the terminal when there is one: tests see the same wide one wherever they run.
process.env.COLUMNS = '1000'
