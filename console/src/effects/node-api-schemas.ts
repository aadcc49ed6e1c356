// The API schemas the console parses answers with; loaded lazily by node-api.ts.
export { host } from '@quantix/lib/api/host';
export { job } from '@quantix/lib/api/job';
export { networkState, networkTestResult } from '@quantix/lib/api/network';
export { registrationToken } from '@quantix/lib/api/registration';
export { sshState } from '@quantix/lib/api/ssh';
export { vmList } from '@quantix/lib/api/vm';
