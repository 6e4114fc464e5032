import * as assert from "node:assert/strict";
import { createPassword } from "../provider/setup";
import { useFaultBed } from "./bed";
import { recordFigure } from "./figures";
import { malformations } from "./malformed";

const GENERATE = /\/generateCredentials$/i;

/**
 * Malformed answers to a successful generateCredentials: ARM really replaced the slot (the password is
 * live), but the body the client gets cannot be read as the SDK expects. Whatever the body, the error
 * the provider returns — and everything the host prints — must hold none of the password, and must
 * say what to do. The bodies are generated from the real answer (truncations at many points, bytes
 * around it, wrappers, other encodings), not listed by hand.
 */
describe("faults: a malformed success answer to generateCredentials never prints the new password", function () {
  // Spawns the dynamic-provider host under ts-node (seconds on 2 cores), then ~25 creates.
  this.timeout(120_000);

  const { bed, host } = useFaultBed();
  before(async () => {
    await bed().createToken("malformed");
  });

  it("every malformation: the create fails naming the fix, and no part of the live password is in the error or the host's output", async () => {
    const leaks: string[] = [];
    const unexplained: string[] = [];
    let failed = 0;
    for (const m of malformations()) {
      let real = "";
      bed().emu.faults.add({
        method: "POST",
        route: GENERATE,
        fault: {
          kind: "mangleBody",
          mangle: (json) => {
            real = json;
            return m.mangle(json);
          },
          ...(m.contentType ? { contentType: m.contentType } : {}),
        },
      });
      const outBefore = host().stdout.length;
      const errBefore = host().stderr.length;
      let message = "";
      try {
        await createPassword(host(), `malformed-${failed}`, { tokenId: bed().tokenId("malformed"), slot: "password1" });
        // A mangling the SDK still reads (e.g. trailing whitespace) is fine: the password reached state as a secret.
      } catch (err) {
        failed++;
        message = `${(err as Error).message}\n${(err as Error).stack ?? ""}`;
        if (!/could not be read|without a value|failed while its answer was read/.test((err as Error).message)) unexplained.push(`${m.name}: the error does not say what happened`);
        if (!/pulumi up/.test((err as Error).message)) unexplained.push(`${m.name}: the error does not name the fix`);
      }
      const passwords = [...real.matchAll(/"value":"([^"]+)"/g)].map((x) => x[1]!);
      assert.ok(passwords.length > 0, `${m.name}: ARM generated no password to look for`);
      const printed = `${message}\n${host().stdout.slice(outBefore)}\n${host().stderr.slice(errBefore)}`;
      for (const pw of passwords) {
        for (let at = 0; at + 10 <= pw.length; at += 5) {
          if (printed.includes(pw.slice(at, at + 10))) {
            leaks.push(m.name); // the mangling's name only, never the value
            break;
          }
        }
      }
    }
    assert.deepEqual(leaks, []);
    assert.deepEqual(unexplained, []);
    assert.ok(failed >= malformations().length - 2, `only ${failed} of ${malformations().length} malformed answers failed the create`);
    recordFigure("faults", "malformed success body", malformations().length);
  });
});
