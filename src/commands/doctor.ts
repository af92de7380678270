import type {DoctorReport} from '../lib/doctor/types.js'

import {BaseCommand} from '../lib/base-command.js'
import {DOCTOR_CLIENT_RETRY, type DoctorTarget, runDoctor} from '../lib/doctor/run.js'
import {CHECK_FAILED_EXIT_CODE} from '../lib/doctor/types.js'
import {planFlags} from '../lib/plan/flags.js'
import {renderDoctor} from '../lib/ui/doctor-render.js'
import {useColor} from '../lib/ui/plan-render.js'

export default class Doctor extends BaseCommand<typeof Doctor> {
  static override clientRetry = DOCTOR_CLIENT_RETRY
  static override description = `Run it first against a new project or environment. It reads only, sends at most 10 requests, and checks:
the configuration and credentials (where each came from; the key is never shown), that the API answers and how fast,
the license tier, the clock skew against Descope's Date header, that the key is accepted, and each assumption the tool
makes about Descope: its built-in permissions and role are there, role/search finds the tenant roles (and whether
role/all carries them), how a missing tenant is answered and that it is read as not found, and whether tenant/all
carries a sub-tenant's parent.
Each check prints ✓ (pass), ✗ (fail) or – (unknown or skipped, not a failure). Exit code 0 when nothing failed, 1 otherwise.`
  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> -e prod', description: 'Check the production environment of the configuration before the first plan.'},
    {
      command: 'DESCOPE_PROJECT_ID=P2abc DESCOPE_MANAGEMENT_KEY=K2xyz <%= config.bin %> <%= command.id %>',
      description: 'Check a project without a configuration file, with the credentials in environment variables.',
    },
    {command: '<%= config.bin %> <%= command.id %> -e staging --json | jq \'.checks[] | select(.status == "fail")\'', description: 'The failed checks as JSON, for a CI job.'},
  ]
  static override flags = {
    'no-color': planFlags['no-color'],
  }
  static override readCache: 'fresh' | 'use' = 'fresh'
  static override summary = 'Check the credentials, the API and what the tool assumes about Descope, with reads only.'

  async run(): Promise<DoctorReport> {
    let target: DoctorTarget
    try {
      target = {connection: await this.connect()}
    } catch (error) {
      target = {error}
    }

    const report = await runDoctor(target)
    if (!this.jsonEnabled()) this.log(renderDoctor(report, {color: useColor(process.stdout, this.flags['no-color'])}))
    if (!report.ok) this.exitWith(CHECK_FAILED_EXIT_CODE, report)
    return report
  }
}
