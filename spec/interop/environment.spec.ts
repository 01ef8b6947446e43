/**
 * The reference the suite runs against: Debian's python3-aiorpcx 0.22.1 and
 * python3-websockets under /usr/bin/python3. Without them every interop test
 * fails — never skips — with the install hint.
 */
import { INSTALL_HINT, PythonPeer } from './helpers/PythonPeer';

test('the reference is aiorpcX 0.22.1 with websockets, under /usr/bin/python3', async () => {
  const peer = await PythonPeer.start();
  try {
    expect(peer.versions.aiorpcx).toBe('0.22.1');
    expect(peer.versions.websockets).toMatch(/^\d+\.\d+/);
    const versions = await peer.call<{ aiorpcx: string; websockets: string; python: string }>('versions');
    expect(versions).toMatchObject({ aiorpcx: '0.22.1' });
  } finally {
    await peer.shutdown();
  }
});

test('without the Debian packages the suite fails with the install hint', async () => {
  // -S: no site directories, so neither aiorpcx nor websockets can be imported.
  await expect(PythonPeer.start(['/usr/bin/python3', '-S'])).rejects.toThrow(INSTALL_HINT);
  expect(INSTALL_HINT).toContain('apt-get install -y python3-aiorpcx python3-websockets');
  // No interpreter at all: the same hint.
  await expect(PythonPeer.start(['/nonexistent/python3'])).rejects.toThrow(INSTALL_HINT);
});
