import { bytesEqual, publicKeyOf, type Certificate } from './x509.ts';

/**
 * Chain verification with the semantics upstream gets from Go's
 * `x509.Certificate.Verify` when it passes the route's caCertificate as both
 * roots and intermediates: every CA certificate is a trust anchor, so a leaf
 * verifies when one of them issued it directly, and the chain inside the
 * certificate field plays no part. The host name is not checked (upstream
 * disables it so existing routes keep working).
 *
 * Validity dates are ignored on every certificate: expired and
 * not-yet-valid certificates are served and clients decide. Upstream gets
 * there by discarding Go's "expired" error, which differs in two corners:
 * Go reports an expired leaf before looking at its signature, so upstream
 * accepts any expired leaf whoever signed it (here it still has to chain),
 * and an expired CA surfaces as "unknown authority", so upstream rejects
 * valid leaves under it (here they pass, like the expired leaf would).
 */

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';

/** Go's default `KeyUsages` is server auth: a certificate that lists extended key usages must include it (or "any"). */
function allowsServerAuth(cert: Certificate): boolean {
  const usages = cert.x509.keyUsage;
  return usages === undefined || usages.includes(SERVER_AUTH) || usages.includes(ANY_EXTENDED_KEY_USAGE);
}

function signedBy(leaf: Certificate, issuer: Certificate): boolean {
  if (!bytesEqual(leaf.rawIssuer, issuer.rawSubject)) return false;
  const key = publicKeyOf(issuer);
  if (key === undefined) return false;
  try {
    return leaf.x509.verify(key);
  } catch {
    // An issuer key node cannot use for this signature cannot have made it.
    return false;
  }
}

/**
 * Checks that `leaf` chains to one of `anchors`. Returns undefined when it
 * does, else Go's error text for why not.
 */
export function verifyLeaf(leaf: Certificate, anchors: readonly Certificate[]): string | undefined {
  const chains = anchors.some((a) => bytesEqual(a.der, leaf.der)) ? [[leaf]] : anchors.filter((a) => signedBy(leaf, a)).map((a) => [leaf, a]);
  if (chains.length === 0) return 'x509: certificate signed by unknown authority';
  // Go checks usages on the whole chain, after finding one.
  return chains.some((chain) => chain.every(allowsServerAuth)) ? undefined : 'x509: certificate specifies an incompatible key usage';
}
