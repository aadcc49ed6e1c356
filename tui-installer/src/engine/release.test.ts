import { describe, expect, it } from 'vitest';
import { parseKeyValues, parseRelease } from './release.ts';

describe('release file', () => {
  it('reads shell key=value lines', () => {
    expect(parseRelease('# Quantix\nNAME="Quantix-OS"\nVERSION=0.1.0\nBUILD_ID=\'20261121-abc\'\nPROFILE=os\n')).toEqual({
      NAME: 'Quantix-OS', VERSION: '0.1.0', BUILD_ID: '20261121-abc', PROFILE: 'os',
    });
    expect(parseKeyValues('A=1\nnot a line\n\nB="two words"')).toEqual({ A: '1', B: 'two words' });
  });
  it('refuses a file with missing or unknown keys', () => {
    expect(() => parseRelease('NAME=Quantix\nVERSION=1\n')).toThrow(expect.objectContaining({ code: 'INSTALL_RELEASE_INVALID' }));
    expect(() => parseRelease('NAME=a\nVERSION=1\nBUILD_ID=b\nPROFILE=os\nEXTRA=1\n')).toThrow(/EXTRA|Unrecognized/);
  });
});
