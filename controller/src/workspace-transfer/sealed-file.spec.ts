import { MalformedSealedFile, seal, unseal, UnsealFailed, type SealedFile } from './sealed-file';

const CONTENT = { agents: [{ ref: 'a1', name: 'Office router' }], note: 'ünïcode ✓' };

describe('sealed files (scrypt + AES-256-GCM)', () => {
  let file: SealedFile;
  beforeAll(async () => {
    file = await seal(CONTENT, 'correct horse battery staple', 'netwatcher-workspace');
  });

  it('round-trips the content and keeps nothing of it in the clear', async () => {
    expect(await unseal(JSON.parse(JSON.stringify(file)), 'correct horse battery staple', 'netwatcher-workspace')).toEqual(CONTENT);
    expect(JSON.stringify(file)).not.toContain('Office router');
    expect(file).toMatchObject({ format: 'netwatcher-sealed', version: 1, cipher: 'aes-256-gcm', kdf: { name: 'scrypt', N: 32768, r: 8, p: 1 } });
  });

  it('seals the same content differently each time (fresh salt and iv)', async () => {
    const again = await seal(CONTENT, 'correct horse battery staple', 'netwatcher-workspace');
    expect(again.ciphertext).not.toBe(file.ciphertext);
    expect(again.kdf.salt).not.toBe(file.kdf.salt);
  });

  it('refuses a wrong passphrase', async () => {
    await expect(unseal(file, 'correct horse battery stapler', 'netwatcher-workspace')).rejects.toBeInstanceOf(UnsealFailed);
  });

  it('refuses a file with any altered byte: ciphertext, tag or authenticated header', async () => {
    const flip = (b64: string): string => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[0] ^= 0x01;
      return bytes.toString('base64');
    };
    for (const altered of [
      { ...file, ciphertext: flip(file.ciphertext) },
      { ...file, tag: flip(file.tag) },
      { ...file, kdf: { ...file.kdf, salt: flip(file.kdf.salt) } },
    ]) {
      await expect(unseal(altered, 'correct horse battery staple', 'netwatcher-workspace')).rejects.toBeInstanceOf(UnsealFailed);
    }
  });

  it('refuses what is not a sealed file, another content type, and costs a header may not ask for', async () => {
    for (const raw of [null, 'text', {}, { ...file, version: 2 }, { ...file, ciphertext: 'not base64!' }, { ...file, kdf: { ...file.kdf, N: 2 ** 24 } }, { ...file, kdf: { ...file.kdf, N: 30_000 } }]) {
      await expect(unseal(raw, 'correct horse battery staple', 'netwatcher-workspace')).rejects.toBeInstanceOf(MalformedSealedFile);
    }
    await expect(unseal(file, 'correct horse battery staple', 'netwatcher-other')).rejects.toBeInstanceOf(MalformedSealedFile);
  });
});
