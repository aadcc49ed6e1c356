/**
 * The one catalog of error codes Quantix speaks. A code never changes meaning once shipped;
 * the message is the default sentence a person sees and may be replaced by a more specific one.
 */
export const errorCatalog = {
  VALIDATION_FAILED: { status: 400, message: 'The request is not valid; see details for each problem.' },
  BAD_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  PATH_NOT_FOUND: { status: 400, message: 'A file the request names does not exist on this host.' },
  UNAUTHENTICATED: { status: 401, message: 'Log in first: send "Authorization: Bearer <token>".' },
  TOKEN_EXPIRED: { status: 401, message: 'Your session has expired; log in again.' },
  LOGIN_FAILED: { status: 401, message: 'Wrong user name or password.' },
  LOGIN_LOCKED: { status: 429, message: 'Too many failed logins; wait before trying again.' },
  ADMIN_PASSWORD_NOT_SET: {
    status: 503,
    message: 'No admin password is set on this host. Run "qx-node set-password" or start it with QX_ADMIN_PASSWORD.',
  },
  ROUTE_NOT_FOUND: { status: 404, message: 'There is no such API route.' },
  VM_NOT_FOUND: { status: 404, message: 'There is no VM with that id on this host.' },
  JOB_NOT_FOUND: { status: 404, message: 'There is no job with that id on this host.' },
  TOKEN_NOT_FOUND: { status: 404, message: 'There is no API token with that id.' },
  VM_NAME_TAKEN: { status: 409, message: 'Another VM on this host already has that name.' },
  VM_INVALID_POWER_TRANSITION: { status: 409, message: 'The VM cannot do that in its current power state.' },
  VM_BUSY: { status: 409, message: 'Another operation is running on this VM; wait for its job to finish.' },
  JOB_NOT_CANCELLABLE: { status: 409, message: 'The job has already finished and cannot be cancelled.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send the request body as application/json.' },
  INSUFFICIENT_STORAGE: { status: 507, message: 'The storage pool does not have enough free space.' },
  HYPERVISOR_UNAVAILABLE: {
    status: 503,
    message: 'libvirtd is not reachable on this host. Restart the management services or check libvirtd.',
  },
  HYPERVISOR_ERROR: { status: 502, message: 'libvirt refused the operation; see details.' },
  DISK_OPERATION_FAILED: { status: 500, message: 'A disk operation failed; see details.' },
  SHUTDOWN_TIMEOUT: {
    status: 504,
    message: 'The guest did not power off in time. Check that it handles ACPI or runs the guest agent, or use stop.',
  },
  JOB_INTERRUPTED: { status: 500, message: 'The daemon restarted while this job was running; it was rolled back.' },
  JOB_CANCELLED: { status: 409, message: 'The job was cancelled.' },
  SSHD_FAILED: { status: 500, message: 'sshd could not be started or stopped; the log has the details.' },
  NETWORK_CHANGE_PENDING: {
    status: 409,
    message: 'A network change is waiting for confirmation; confirm it or let it roll back first.',
  },
  NO_PENDING_NETWORK_CHANGE: { status: 409, message: 'There is no network change waiting for confirmation.' },
  NETWORK_ROLLED_BACK: {
    status: 409,
    message: 'The network change was not confirmed in time; the previous configuration is back.',
  },
  NIC_NOT_FOUND: { status: 400, message: 'This host has no network interface with that name.' },
  REGISTRATION_TOKEN_INVALID: { status: 401, message: 'The registration token is wrong or has expired; get a new one from the host console.' },
  INSTALL_DISK_NOT_FOUND: { status: 404, message: 'The installer found no such disk, or no disk it can install to.' },
  INSTALL_DISK_REFUSED: { status: 409, message: 'The installer will not install to this disk; the details say why.' },
  INSTALL_ANSWER_INVALID: { status: 400, message: 'The answer file is not valid; see details for each problem.' },
  INSTALL_ANSWER_UNAVAILABLE: { status: 502, message: 'The answer file could not be read from where the kernel command line says.' },
  INSTALL_ANSWER_FINGERPRINT_MISMATCH: {
    status: 502,
    message: 'The answer server presented a certificate whose SHA-256 fingerprint is not the one on the kernel command line.',
  },
  INSTALL_TOOLS_MISSING: { status: 500, message: 'This system lacks programs the installer needs (see details); the disk was not touched.' },
  INSTALL_COMMAND_FAILED: { status: 500, message: 'An installer command failed; the install log has its output.' },
  INSTALL_PARTITIONS_MISSING: { status: 500, message: 'The new partitions did not appear after partitioning.' },
  INSTALL_IMAGE_INVALID: { status: 500, message: 'The system image on the medium is missing, damaged or too large.' },
  INSTALL_VERIFY_FAILED: { status: 500, message: 'What was written to the disk does not read back the same.' },
  INSTALL_BOOTLOADER_INVALID: { status: 500, message: 'The boot loader files on the ESP are missing or wrong.' },
  INSTALL_RELEASE_INVALID: { status: 500, message: 'The release file of the live system is missing or not valid.' },
  UPDATE_NOT_AVAILABLE: {
    status: 409,
    message: 'This host does not run from an installed Quantix system slot (no quantix.slot= on the kernel command line), so it cannot be updated in place.',
  },
  UPDATE_TRIAL_PENDING: {
    status: 409,
    message: 'An update is armed or on its trial boot; reboot into it and let it commit (or fall back) before the next update.',
  },
  UPDATE_IN_PROGRESS: { status: 409, message: 'A system update is already being written; wait for its job to finish.' },
  UPDATE_LENGTH_REQUIRED: { status: 411, message: 'Send the image with a Content-Length header.' },
  UPDATE_TOO_LARGE: { status: 413, message: 'The image is larger than the system slot it would be written to.' },
  UPDATE_CHECKSUM_MISMATCH: { status: 400, message: 'The image written does not have the SHA-256 the request named; nothing was armed.' },
  UPDATE_NOT_SQUASHFS: { status: 400, message: 'The image is not a squashfs file system; nothing was armed.' },
  UPDATE_WRITE_FAILED: { status: 500, message: 'Writing the image to the system slot failed; nothing was armed.' },
  BOOT_ENV_INVALID: { status: 500, message: 'The GRUB environment block (grubenv) is missing or damaged; the details say why.' },
  INTERNAL: { status: 500, message: 'Something went wrong inside qx-node; the log has the details.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalog;

export const errorCodes = Object.keys(errorCatalog) as [ErrorCode, ...ErrorCode[]];
