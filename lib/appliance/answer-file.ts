import { z } from 'zod';
import { managementNetwork, managementNetworkFields, type ManagementNetwork } from '../api/network.ts';
import { passwordProblems } from '../auth/password.ts';

/**
 * The answer file of an unattended install (`quantix.answer=` on the kernel command line, or
 * `qx-installer --answer FILE`): JSON or YAML with the same fields.
 */

/** "scrypt$N$r$p$salt$hash" as lib/auth/password.ts writes it. */
export const scryptHash = z
  .string()
  .regex(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}$/, 'a hash made by "qx-node hash-password": scrypt$N$r$p$salt$hash');

export const answerDisk = z.union([
  z.literal('auto'),
  z.string().regex(/^\/dev\/[A-Za-z0-9_./-]+$/, 'a device path like /dev/vda, or "auto"'),
]);

/** ManagementNetwork, except that `nic` may be "auto": the first NIC with carrier, else the first NIC. */
export const answerNetwork = managementNetworkFields
  .extend({ nic: z.string().min(1) })
  .superRefine((n, ctx) => {
    const probe = managementNetwork.safeParse({ ...n, nic: n.nic === 'auto' ? 'eth0' : n.nic });
    if (!probe.success) for (const issue of probe.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  });
export type AnswerNetwork = z.infer<typeof answerNetwork>;

export const answerAdmin = z
  .strictObject({
    password: z.string().optional(),
    passwordHash: scryptHash.optional(),
  })
  .superRefine((a, ctx) => {
    if ((a.password === undefined) === (a.passwordHash === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of "password" and "passwordHash"', path: [] });
      return;
    }
    if (a.password !== undefined) for (const p of passwordProblems(a.password)) ctx.addIssue({ code: 'custom', message: p, path: ['password'] });
  });
export type AnswerAdmin = z.infer<typeof answerAdmin>;

/** /quantix/boot.json: how long a trial boot of an update may take to pass its health check (docs/appliance.md). */
export const answerBoot = z.strictObject({
  trialTimeoutSeconds: z.number().int().min(30).max(3600),
});
export type AnswerBoot = z.infer<typeof answerBoot>;

export const answerFile = z.strictObject({
  version: z.literal(1),
  disk: answerDisk,
  /** Absent: no network.json; at first boot the appliance uses DHCP on its first wired NIC (images whose NIC names are not
   * known when they are installed, such as an OVA). */
  network: answerNetwork.optional(),
  /** Absent: no admin password yet; the console asks for one at the first protected action (appliance images). */
  admin: answerAdmin.optional(),
  boot: answerBoot.optional(),
  finish: z.enum(['reboot', 'poweroff']).default('reboot'),
});
export type AnswerFile = z.infer<typeof answerFile>;
export type FinishAction = AnswerFile['finish'];

/** The network with `nic: "auto"` replaced by a real interface name, checked as ManagementNetwork. */
export function resolveAnswerNetwork(network: AnswerNetwork, autoNic: () => string | null): ManagementNetwork {
  const nic = network.nic === 'auto' ? autoNic() : network.nic;
  if (nic === null) throw new Error('the answer file says nic "auto", but this machine has no network interface');
  return managementNetwork.parse({ ...network, nic });
}

/** Problems as "path: message" lines, for an operator reading a serial console. */
export function answerFileProblems(error: z.ZodError): string[] {
  return error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message));
}
