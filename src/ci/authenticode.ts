// Offline Authenticode verification of a PE file's embedded signatures: the
// image hash recomputed and compared with the signed SpcIndirectDataContent,
// the signed attributes' messageDigest checked, and the signer's signature over
// them verified with its certificate's key. Offline means: no chain building to
// a trusted root, no revocation, no timestamp checks — a valid result says the
// file is unchanged since the named signer signed it, not that Windows trusts it.
import { createHash, verify as verifySignature, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import { parsePe } from '../pe/parse.js';
import type { PeImage } from '../pe/types.js';
import { authenticodeImageHash } from './image-hash.js';

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

function parse(bytes: Uint8Array): Node {
  const copy = bytes.slice().buffer;
  const { offset, result } = asn1js.fromBER(copy);
  if (offset === -1) throw new Malformed(`ASN.1 decoding failed: ${(result as { error?: string }).error ?? 'bad encoding'}`);
  return result as Node;
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

/** Verifies one PKCS#7 SignedData blob (and the signatures nested in it). */
function verifyBlob(blob: Uint8Array, bytes: Uint8Array, image: PeImage, out: SignatureReport[]): void {
  let report: SignatureReport = { digestAlgorithm: 'unknown', signer: 'unknown', issuer: 'unknown', serialNumber: '', valid: false, reason: null };
  const nested: Uint8Array[] = [];
  try {
    const contentInfo = kids(parse(blob), 'ContentInfo');
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
    const signerCertificate = certificates
      .map((c) => new X509Certificate(Buffer.from(c.valueBeforeDecodeView)))
      .find((c) => c.serialNumber.replace(/^0+(?=.)/, '').toUpperCase() === serialHex);
    if (!signerCertificate) throw new Malformed(`no certificate with the signer's serial number ${serialHex}`);
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
        if (oid(type, 'Attribute.type') === OID.nestedSignature) for (const value of kids(values, 'nested signatures')) nested.push(value.valueBeforeDecodeView);
      }
    }

    // 1. The image hash the signer signed.
    const actual = authenticodeImageHash(bytes, image, digestAlgorithm);
    if (!equal(actual, signedDigest)) {
      report.reason = `the image hash (${digestAlgorithm}) does not match the signed one: the file changed after signing`;
      return;
    }
    // 2. messageDigest over the SpcIndirectDataContent's contents octets.
    const messageDigest = kids(signedAttrs, 'signedAttrs')
      .map((a) => kids(a, 'Attribute'))
      .find(([type]) => oid(type, 'Attribute.type') === OID.messageDigest);
    if (!messageDigest) throw new Malformed('signed attributes lack messageDigest');
    const expected = createHash(signerDigest).update(contents(indirect.valueBeforeDecodeView)).digest();
    if (!equal(expected, octets(kids(messageDigest[1], 'messageDigest values')[0], 'messageDigest'))) {
      report.reason = 'the messageDigest attribute does not match the signed content';
      return;
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
  for (const blob of nested) verifyBlob(blob, bytes, image, out);
}

/**
 * Never throws: a non-PE or a damaged signature comes back as a result saying
 * why. `image` is the file's parsePe result when the caller has it already.
 */
export function verifyAuthenticode(bytes: Uint8Array, parsed?: PeImage): AuthenticodeResult {
  let image: PeImage;
  try {
    image = parsed ?? parsePe(bytes);
  } catch (error) {
    return { signed: false, valid: false, signatures: [], reason: `not a PE image: ${(error as Error).message}` };
  }
  const blobs = image.certificates.filter((c) => c.certificateType === 2);
  if (blobs.length === 0) return { signed: false, valid: false, signatures: [], reason: 'no embedded signature' };
  const signatures: SignatureReport[] = [];
  for (const blob of blobs) verifyBlob(blob.data, bytes, image, signatures);
  const valid = signatures.some((s) => s.valid);
  return { signed: true, valid, signatures, reason: valid ? null : (signatures.find((s) => s.reason)?.reason ?? 'no valid signature') };
}
