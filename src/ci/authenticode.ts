// Offline Authenticode verification of a PE file's embedded signatures: the
// image hash recomputed and compared with the signed SpcIndirectDataContent,
// the signed attributes' messageDigest checked, and the signer's signature over
// them verified with its certificate's key. Offline means: no chain building to
// a trusted root, no revocation, no timestamp checks — a valid result says the
// file is unchanged since the named signer signed it, not that Windows trusts it.
//
// Bounded (docs/pe-limits.md): every signature blob is pre-scanned without
// recursion and refused past MAX_DER_DEPTH levels or MAX_DER_ELEMENTS
// elements (MAX_DER_ELEMENTS_PER_FILE for all blobs together) before asn1js,
// which recurses per nesting level, decodes it; at most MAX_SIGNATURES
// signatures (nested ones included, walked with an explicit stack) are
// verified; the image hash is computed once per digest algorithm; only the
// signer's certificate is handed to X509Certificate.
import { createHash, verify as verifySignature, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import type { WorkBudget } from '../pe/limits.js';
import { parsePe } from '../pe/parse.js';
import type { PeImage } from '../pe/types.js';
import { DerLimitError, MAX_DER_DEPTH, MAX_DER_ELEMENTS, scanDer } from './der.js';
import { authenticodeImageHash } from './image-hash.js';

/** Signatures verified per file, nested ones included; the rest are reported as not verified. */
export const MAX_SIGNATURES = 8;
/** DER elements decoded per file, over all its signature blobs. */
export const MAX_DER_ELEMENTS_PER_FILE = 8192;

export interface SignatureReport {
  digestAlgorithm: string;
  signer: string;
  issuer: string;
  serialNumber: string;
  valid: boolean;
  reason: string | null;
}

export interface AuthenticodeResult {
  signed: boolean;
  valid: boolean;
  signatures: SignatureReport[];
  reason: string | null;
}

const OID = {
  signedData: '1.2.840.113549.1.7.2',
  spcIndirectData: '1.3.6.1.4.1.311.2.1.4',
  messageDigest: '1.2.840.113549.1.9.4',
  nestedSignature: '1.3.6.1.4.1.311.2.4.1',
} as const;

const digestNames: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '1.2.840.113549.2.5': 'md5',
};

type Node = asn1js.AsnType & { idBlock: { tagClass: number; tagNumber: number }; valueBeforeDecodeView: Uint8Array };

class Malformed extends Error {}

/** One verifyAuthenticode call: the file, its image hashes by algorithm, the DER decoded so far. */
interface Verification {
  bytes: Uint8Array;
  image: PeImage;
  hashes: Map<string, Buffer | Error>;
  elements: number;
  budget: WorkBudget | undefined;
}

/** Decodes one signature blob after the pre-scan has measured it against the caps. */
function parse(bytes: Uint8Array, v: Verification): Node {
  let elements: number;
  try {
    elements = scanDer(bytes, MAX_DER_DEPTH, MAX_DER_ELEMENTS).elements;
  } catch (error) {
    if (error instanceof DerLimitError) throw new Malformed(`signature refused before decoding: ${error.message}`);
    throw error;
  }
  if (v.elements + elements > MAX_DER_ELEMENTS_PER_FILE) {
    throw new Malformed(`the file's signatures hold more than ${MAX_DER_ELEMENTS_PER_FILE} DER elements in all (cap MAX_DER_ELEMENTS_PER_FILE)`);
  }
  v.elements += elements;
  v.budget?.count(elements);
  // asn1js's own limits stay as a backstop (it counts some elements twice).
  const { offset, result } = asn1js.fromBER(bytes, { maxDepth: MAX_DER_DEPTH + 2, maxNodes: 2 * elements + 16, parseEmbedded: false });
  if (offset === -1) throw new Malformed(`ASN.1 decoding failed: ${(result as { error?: string }).error ?? 'bad encoding'}`);
  return result as Node;
}

/** The image hash for `algorithm`, computed once per verification (or the reason it cannot be). */
function imageHash(v: Verification, algorithm: string): Buffer {
  let hash = v.hashes.get(algorithm);
  if (hash === undefined) {
    try {
      hash = authenticodeImageHash(v.bytes, v.image, algorithm, { budget: v.budget });
    } catch (error) {
      hash = error instanceof Error ? error : new Error(String(error));
    }
    v.hashes.set(algorithm, hash);
  }
  if (hash instanceof Error) throw new Malformed(`the image hash cannot be computed: ${hash.message}`);
  return hash;
}

/** A certificate's serial number as upper-case hex without leading zeros, from its DER; null when unreadable. */
function certificateSerial(certificate: Node): string | null {
  try {
    const fields = kids(kids(certificate, 'Certificate')[0], 'TBSCertificate');
    const serial = fields[0]?.idBlock.tagClass === 3 ? fields[1] : fields[0];
    return hex(octets(serial, 'serialNumber')).replace(/^0+(?=.)/, '').toUpperCase();
  } catch {
    return null;
  }
}

function kids(node: Node | undefined, what: string): Node[] {
  const value = (node as unknown as { valueBlock?: { value?: unknown } })?.valueBlock?.value;
  if (!Array.isArray(value)) throw new Malformed(`${what}: expected a constructed value`);
  return value as Node[];
}

function oid(node: Node | undefined, what: string): string {
  if (!(node instanceof asn1js.ObjectIdentifier)) throw new Malformed(`${what}: expected an OBJECT IDENTIFIER`);
  return node.valueBlock.toString();
}

function octets(node: Node | undefined, what: string): Uint8Array {
  const view = (node as unknown as { valueBlock?: { valueHexView?: Uint8Array } })?.valueBlock?.valueHexView;
  if (!(view instanceof Uint8Array)) throw new Malformed(`${what}: expected an OCTET STRING`);
  return view;
}

/** The contents octets of a DER element (its bytes without tag and length). */
function contents(raw: Uint8Array): Uint8Array {
  const first = raw[1] ?? 0;
  const header = first < 0x80 ? 2 : 2 + (first & 0x7f);
  return raw.subarray(header);
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a).equals(Buffer.from(b));
}

function nameOf(subject: string): string {
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(subject)?.[1];
  const o = /(?:^|\n)O=([^\n]+)/.exec(subject)?.[1];
  return cn ?? o ?? subject.replace(/\n/g, ', ');
}

/**
 * Verifies one PKCS#7 SignedData (a blob, or a ContentInfo node already
 * decoded as part of its parent) and returns the signatures nested in it.
 */
function verifyOne(item: Uint8Array | Node, v: Verification, out: SignatureReport[]): Node[] {
  let report: SignatureReport = { digestAlgorithm: 'unknown', signer: 'unknown', issuer: 'unknown', serialNumber: '', valid: false, reason: null };
  const nested: Node[] = [];
  try {
    const contentInfo = kids(item instanceof Uint8Array ? parse(item, v) : item, 'ContentInfo');
    if (oid(contentInfo[0], 'ContentInfo.contentType') !== OID.signedData) throw new Malformed('ContentInfo is not SignedData');
    const signedData = kids(kids(contentInfo[1], 'ContentInfo.content')[0], 'SignedData');
    const encap = kids(signedData[2], 'SignedData.encapContentInfo');
    if (oid(encap[0], 'eContentType') !== OID.spcIndirectData) throw new Malformed('the signed content is not SpcIndirectDataContent');
    const indirect = kids(encap[1], 'eContent')[0]!;
    const digestInfo = kids(kids(indirect, 'SpcIndirectDataContent')[1], 'SpcIndirectDataContent.messageDigest');
    const digestOid = oid(kids(digestInfo[0], 'DigestInfo.digestAlgorithm')[0], 'DigestInfo.digestAlgorithm');
    const digestAlgorithm = digestNames[digestOid];
    if (!digestAlgorithm) throw new Malformed(`unsupported digest algorithm ${digestOid}`);
    report.digestAlgorithm = digestAlgorithm;
    const signedDigest = octets(digestInfo[1], 'DigestInfo.digest');

    // certificates [0] IMPLICIT, signerInfos: the last SET.
    const certificates = signedData.filter((n) => n.idBlock.tagClass === 3 && n.idBlock.tagNumber === 0).flatMap((n) => kids(n, 'certificates'));
    const signerInfo = kids(kids(signedData[signedData.length - 1], 'SignedData.signerInfos')[0], 'SignerInfo');
    const [issuerName, serial] = kids(signerInfo[1], 'SignerInfo.sid');
    const serialHex = hex(octets(serial, 'SignerInfo.sid.serialNumber')).replace(/^0+(?=.)/, '').toUpperCase();
    report.serialNumber = serialHex;
    void issuerName;
    // Only the signer's certificate is decoded as X.509 (matched by its DER serial number).
    const match = certificates.find((c) => certificateSerial(c) === serialHex);
    if (!match) throw new Malformed(`no certificate with the signer's serial number ${serialHex}`);
    const signerCertificate = new X509Certificate(Buffer.from(match.valueBeforeDecodeView));
    report.signer = nameOf(signerCertificate.subject);
    report.issuer = nameOf(signerCertificate.issuer);
    const signerDigest = digestNames[oid(kids(signerInfo[2], 'SignerInfo.digestAlgorithm')[0], 'SignerInfo.digestAlgorithm')] ?? digestAlgorithm;
    const signedAttrs = signerInfo.find((n) => n.idBlock.tagClass === 3 && n.idBlock.tagNumber === 0);
    if (!signedAttrs) throw new Malformed('SignerInfo has no signed attributes');
    const rest = signerInfo.slice(signerInfo.indexOf(signedAttrs) + 1);
    const signature = octets(rest[1], 'SignerInfo.signature');
    const unsigned = rest.find((n) => n.idBlock.tagClass === 3 && n.idBlock.tagNumber === 1);
    if (unsigned) {
      for (const attribute of kids(unsigned, 'unsignedAttrs')) {
        const [type, values] = kids(attribute, 'Attribute');
        if (oid(type, 'Attribute.type') === OID.nestedSignature) nested.push(...kids(values, 'nested signatures'));
      }
    }

    // 1. The image hash the signer signed.
    const actual = imageHash(v, digestAlgorithm);
    if (!equal(actual, signedDigest)) {
      report.reason = `the image hash (${digestAlgorithm}) does not match the signed one: the file changed after signing`;
      return nested;
    }
    // 2. messageDigest over the SpcIndirectDataContent's contents octets.
    const messageDigest = kids(signedAttrs, 'signedAttrs')
      .map((a) => kids(a, 'Attribute'))
      .find(([type]) => oid(type, 'Attribute.type') === OID.messageDigest);
    if (!messageDigest) throw new Malformed('signed attributes lack messageDigest');
    const expected = createHash(signerDigest).update(contents(indirect.valueBeforeDecodeView)).digest();
    if (!equal(expected, octets(kids(messageDigest[1], 'messageDigest values')[0], 'messageDigest'))) {
      report.reason = 'the messageDigest attribute does not match the signed content';
      return nested;
    }
    // 3. The signature over the signed attributes, re-tagged as a SET.
    const attributes = Buffer.from(signedAttrs.valueBeforeDecodeView);
    attributes[0] = 0x31;
    const ok = verifySignature(signerDigest, attributes, { key: signerCertificate.publicKey, dsaEncoding: 'der' }, Buffer.from(signature));
    report.valid = ok;
    report.reason = ok ? null : "the signer's signature over the signed attributes does not verify";
  } catch (error) {
    report = { ...report, valid: false, reason: error instanceof Malformed ? error.message : `unreadable signature: ${(error as Error)?.message ?? String(error)}` };
  } finally {
    out.push(report);
  }
  return nested;
}

/**
 * Never throws: a non-PE or a damaged signature comes back as a result saying
 * why. `image` is the file's parsePe result when the caller has it already.
 */
export function verifyAuthenticode(bytes: Uint8Array, parsed?: PeImage, options: { budget?: WorkBudget } = {}): AuthenticodeResult {
  let image: PeImage;
  try {
    image = parsed ?? parsePe(bytes, options.budget ? { budget: options.budget } : {});
  } catch (error) {
    return { signed: false, valid: false, signatures: [], reason: `not a PE image: ${(error as Error).message}` };
  }
  const blobs = image.certificates.filter((c) => c.certificateType === 2);
  if (blobs.length === 0) return { signed: false, valid: false, signatures: [], reason: 'no embedded signature' };
  const signatures: SignatureReport[] = [];
  const v: Verification = { bytes, image, hashes: new Map(), elements: 0, budget: options.budget };
  // Depth first, each signature before the ones nested in it, as they appear.
  const pending: (Uint8Array | Node)[] = blobs.map((b) => b.data).reverse();
  while (pending.length > 0) {
    if (signatures.length >= MAX_SIGNATURES) {
      signatures.push({
        digestAlgorithm: 'unknown', signer: 'unknown', issuer: 'unknown', serialNumber: '', valid: false,
        reason: `more than ${MAX_SIGNATURES} signatures: the rest (at least ${pending.length}) were not verified (cap MAX_SIGNATURES)`,
      });
      break;
    }
    const nested = verifyOne(pending.pop()!, v, signatures);
    for (let i = nested.length - 1; i >= 0; i--) pending.push(nested[i]!);
  }
  const valid = signatures.some((s) => s.valid);
  return { signed: true, valid, signatures, reason: valid ? null : (signatures.find((s) => s.reason)?.reason ?? 'no valid signature') };
}
