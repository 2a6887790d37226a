// A message's evidence checked in the browser, as docs/verify-evidence.py does with a JOSE library:
// every record's ES256 signature (by the evidence key, or by a key that key endorsed for the day the record
// was signed), the chain's order and links, and the signed head that says no record was dropped after the last.
import { getJson } from "./api";
import { sha256Base64url } from "./digest";

export interface EvidenceKey {
  kty: string;
  crv: string;
  x: string;
  y: string;
  kid: string;
  ebox_endorsement?: string;
}

type Claims = Record<string, unknown>;
const SLACK = 300; // seconds, as the reference verifier allows

function bytesOf(base64url: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64url.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function part(token: string, n: number): Claims {
  return JSON.parse(new TextDecoder().decode(bytesOf(token.split(".")[n] ?? ""))) as Claims;
}

/** A failed check, named by a key of the texts (`evidenceCheck.<reason>`). */
export class EvidenceProblem extends Error {}

function check(ok: boolean, reason: string): void {
  if (!ok) throw new EvidenceProblem(reason);
}

async function verifiedBy(token: string, key: EvidenceKey, typ: string): Promise<Claims> {
  const [header, payload, signature] = token.split(".");
  check(part(token, 0).typ === typ && part(token, 0).alg === "ES256", "signature");
  const publicKey = await crypto.subtle.importKey("jwk", { kty: key.kty, crv: key.crv, x: key.x, y: key.y },
    { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
  const ok = await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, publicKey, bytesOf(signature ?? ""),
    new TextEncoder().encode(`${header}.${payload}`));
  check(ok, "signature");
  return JSON.parse(new TextDecoder().decode(bytesOf(payload ?? ""))) as Claims;
}

class KeyRing {
  private readonly byKid = new Map<string, EvidenceKey>();
  constructor(private readonly anchor: EvidenceKey, keys: EvidenceKey[]) {
    for (const key of keys) this.byKid.set(key.kid, key);
  }

  static async load(): Promise<KeyRing> {
    const { keys } = await getJson<{ keys: EvidenceKey[] }>("/evidence/keys");
    const anchor = keys.find((k) => !k.ebox_endorsement);
    check(anchor !== undefined, "keys");
    return new KeyRing(anchor as EvidenceKey, keys);
  }

  private async key(kid: string): Promise<EvidenceKey> {
    let key = this.byKid.get(kid);
    if (!key) {
      key = await getJson<EvidenceKey>(`/evidence/keys/${encodeURIComponent(kid)}`); // an older, archived key
      this.byKid.set(kid, key);
    }
    return key;
  }

  /** The claims of `token`, once its signature and its key's endorsement for that moment hold. */
  async verified(token: string, typ: string, when: string): Promise<Claims> {
    const kid = String(part(token, 0).kid);
    const key = kid === this.anchor.kid ? this.anchor : await this.key(kid);
    if (key !== this.anchor) {
      check(!!key.ebox_endorsement, "keys");
      const endorsed = await verifiedBy(key.ebox_endorsement as string, this.anchor, "ebox-key-endorsement+jwt");
      const jwk = endorsed.jwk as Record<string, string>;
      check(jwk.kid === key.kid && jwk.x === key.x && jwk.y === key.y, "keys");
      const moment = Date.parse(String(part(token, 1)[when])) / 1000;
      const from = Number(endorsed.iat) - SLACK;
      const until = (endorsed.exp === undefined ? moment : Number(endorsed.exp)) + SLACK;
      check(from <= moment && moment <= until, "keys");
    }
    return verifiedBy(token, key, typ);
  }
}

/** The number of records checked, or an EvidenceProblem naming what does not hold. */
export async function verifyEvidence(records: string[], head: string | undefined): Promise<number> {
  check(records.length > 0 && head !== undefined, "head");
  const keys = await KeyRing.load();
  let previous: string | null = null;
  for (const [n, jws] of records.entries()) {
    const record = await keys.verified(jws, "ebox-evidence+jwt", "eventTime");
    check(record.sequence === n + 1 && (record.previousRecordHash ?? null) === previous, "chain");
    previous = await sha256Base64url(new TextEncoder().encode(jws).buffer as ArrayBuffer);
  }
  const claims = await keys.verified(head as string, "ebox-evidence-head+jwt", "headTime");
  check(claims.count === records.length && claims.lastRecordHash === previous, "head");
  return records.length;
}
