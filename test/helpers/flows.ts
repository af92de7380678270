/** A small flow in the v2 (exported) shape, real-shaped: a login screen and an OTP step. */
export function signIn(): Record<string, unknown> {
  return {
    contents: {
      startTask: 'start',
      tasks: {
        1: {
          id: '1', name: 'Login screen', next: {rules: [{interactionId: 'submit', taskId: '2'}]}, screenId: 'login', type: 'screen', view: {x: 200, y: 0},
        },
        2: {
          action: 'otp-sign-in-email', id: '2', name: 'Sign in / OTP', type: 'automated', view: {x: 400, y: 0},
        },
        start: {
          id: 'start', name: 'start', next: {rules: [{interactionId: '', taskId: '1'}]}, view: {x: 0, y: 0},
        },
      },
    },
    flowId: 'sign-in',
    metadata: {description: 'Email OTP sign-in', name: 'Sign In'},
    references: {},
    screens: [{contents: {html: '<descope-wc></descope-wc>'}, interactions: [{id: 'submit', label: 'Continue', type: 'button'}], screenId: 'login'}],
  }
}
