/**
 * libvirt's own schema check: `virt-xml-validate FILE domain`. Tests use it when the tool is
 * installed; under CI (which installs it) its absence is a failure, never a skip.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function haveVirtXmlValidate(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v virt-xml-validate'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env['CI'] === 'true')
      throw new Error('virt-xml-validate is required under CI (install libvirt-clients)');
    return false;
  }
}

/** Validates a whole domain XML; returns undefined when valid, else the validator's message. */
export function validateDomainXml(xml: string): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'vmdevices-validate-'));
  try {
    const file = join(dir, 'domain.xml');
    writeFileSync(file, xml);
    const r = spawnSync('virt-xml-validate', [file, 'domain'], { encoding: 'utf8' });
    return r.status === 0 ? undefined : `${r.stdout}${r.stderr}`.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Validates one device element by placing it in a minimal qemu domain. */
export function validateDeviceXml(deviceXml: string): string | undefined {
  return validateDomainXml(
    `<domain type="qemu"><name>validate</name><memory>131072</memory><os><type arch="x86_64" machine="pc">hvm</type></os>` +
      `<devices>${deviceXml}</devices></domain>`,
  );
}
