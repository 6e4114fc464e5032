import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { generate } from "selfsigned";
import { createTlsMaterial } from "../../emulator/tls";

describe("emulator TLS material", () => {
  it("issues a server certificate for IP:127.0.0.1 and DNS:localhost from a CA written to a temp file", async () => {
    const tls = await createTlsMaterial();
    try {
      const ca = new X509Certificate(tls.caCertPem);
      const leaf = new X509Certificate(tls.certPem);
      assert.equal(ca.ca, true);
      assert.equal(leaf.ca, false);
      assert.ok(leaf.verify(ca.publicKey), "the leaf is signed by the CA");
      assert.equal(leaf.checkIP("127.0.0.1"), "127.0.0.1");
      assert.equal(leaf.checkHost("localhost"), "localhost");
      assert.equal(readFileSync(tls.caCertPath, "utf8"), tls.caCertPem);
    } finally {
      tls.dispose();
    }
    assert.equal(existsSync(tls.caCertPath), false, "dispose removes the temporary CA file");
  });

  it("issues from a given CA, and refuses a CA certificate without its key", async () => {
    const given = await generate([{ name: "commonName", value: "test CA" }], {
      keyType: "ec",
      algorithm: "sha256",
      extensions: [{ name: "basicConstraints", cA: true }, { name: "keyUsage", keyCertSign: true, digitalSignature: true }],
    });
    const tls = await createTlsMaterial({ caCertPem: given.cert, caKeyPem: given.private });
    try {
      assert.equal(tls.caCertPem, given.cert);
      assert.ok(new X509Certificate(tls.certPem).verify(new X509Certificate(given.cert).publicKey));
    } finally {
      tls.dispose();
    }
    await assert.rejects(createTlsMaterial({ caCertPem: given.cert }), /needs both caCertPem and caKeyPem/);
  });
});
