// A test signer: a self-signed RSA certificate and embedded Authenticode
// signatures (PKCS#7 SignedData over SpcIndirectDataContent) for built images,
// so the verifier and its caps can be exercised without the real-PE corpus.
// Not a production signer: no chain, no timestamp, DER SETs not sorted.
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { NtStatusError, STATUS_INVALID_PARAMETER } from '../nt/status.js';
import { peChecksum } from '../pe/checksum.js';
import { parsePe } from '../pe/parse.js';
import * as der from './der.js';
import { authenticodeImageHash } from './image-hash.js';

export interface TestSigner {
  commonName: string;
  serialNumber: number;
  /** DER of the self-signed X.509 certificate. */
  certificate: Uint8Array;
  privateKey: KeyObject;
  /** DER of the subject (= issuer) Name. */
  name: Uint8Array;
}

const OID = {
  commonName: '2.5.4.3',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  rsaEncryption: '1.2.840.113549.1.1.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  spcIndirectData: '1.3.6.1.4.1.311.2.1.4',
  spcPeImageData: '1.3.6.1.4.1.311.2.1.15',
  nestedSignature: '1.3.6.1.4.1.311.2.4.1',
} as const;

const digestOids: Record<string, string> = { sha1: '1.3.14.3.2.26', sha256: '2.16.840.1.101.3.4.2.1' };

/** A fresh RSA-1024 key and a self-signed certificate for `commonName` (fixed validity 2024–2049). */
export function createTestSigner(commonName = 'psnotify test signer', serialNumber = 0x5053): TestSigner {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const name = der.sequence(der.set(der.sequence(der.oid(OID.commonName), der.utf8String(commonName))));
  const algorithm = der.sequence(der.oid(OID.sha256WithRsa), der.nullValue());
  const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  const validity = der.sequence(der.utcTime(new Date(Date.UTC(2024, 0, 1))), der.utcTime(new Date(Date.UTC(2049, 11, 31))));
  const tbs = der.sequence(der.context(0, der.integer(2)), der.integer(serialNumber), algorithm, name, validity, name, spki);
  const certificate = der.sequence(tbs, algorithm, der.bitString(new Uint8Array(sign('sha256', tbs, privateKey))));
  return { commonName, serialNumber, certificate, privateKey, name };
}

/**
 * A PKCS#7 ContentInfo signing the image digest `digest` (algorithm
 * `digestName`), with `nested` ContentInfos as nested signatures.
 */
export function authenticodeSignature(digest: Uint8Array, digestName: 'sha1' | 'sha256', signer: TestSigner, nested: readonly Uint8Array[] = []): Uint8Array {
  const digestOid = digestOids[digestName]!;
  const digestAlgorithm = der.sequence(der.oid(digestOid), der.nullValue());
  const peImageData = der.sequence(der.bitString(new Uint8Array(0)), der.context(0, der.context(2, der.tlv(0x80))));
  const data = der.sequence(der.oid(OID.spcPeImageData), peImageData);
  const digestInfo = der.sequence(digestAlgorithm, der.octetString(digest));
  const indirect = der.sequence(data, digestInfo);
  const contents = new Uint8Array(data.length + digestInfo.length);
  contents.set(data);
  contents.set(digestInfo, data.length);
  const messageDigest = new Uint8Array(createHash(digestName).update(contents).digest());
  const attributes = [
    der.sequence(der.oid(OID.contentType), der.set(der.oid(OID.spcIndirectData))),
    der.sequence(der.oid(OID.messageDigest), der.set(der.octetString(messageDigest))),
  ];
  const signature = new Uint8Array(sign(digestName, der.set(...attributes), signer.privateKey));
  const unsigned = nested.length > 0 ? [der.tlv(0xa1, der.sequence(der.oid(OID.nestedSignature), der.set(...nested)))] : [];
  const signerInfo = der.sequence(
    der.integer(1),
    der.sequence(signer.name, der.integer(signer.serialNumber)),
    digestAlgorithm,
    der.tlv(0xa0, ...attributes),
    der.sequence(der.oid(OID.rsaEncryption), der.nullValue()),
    der.octetString(signature),
    ...unsigned,
  );
  const signedData = der.sequence(
    der.integer(1),
    der.set(digestAlgorithm),
    der.sequence(der.oid(OID.spcIndirectData), der.context(0, indirect)),
    der.tlv(0xa0, signer.certificate),
    der.set(signerInfo),
  );
  return der.sequence(der.oid(OID.signedData), der.context(0, signedData));
}

/** WIN_CERTIFICATE entries (revision 0x200, PKCS_SIGNED_DATA), each 8-byte aligned. */
export function certificateTable(blobs: readonly Uint8Array[]): Uint8Array {
  const total = blobs.reduce((n, b) => n + ((8 + b.length + 7) & ~7), 0);
  const table = new Uint8Array(total);
  const view = new DataView(table.buffer);
  let at = 0;
  for (const blob of blobs) {
    view.setUint32(at, 8 + blob.length, true);
    view.setUint16(at + 4, 0x0200, true);
    view.setUint16(at + 6, 2, true);
    table.set(blob, at + 8);
    at += (8 + blob.length + 7) & ~7;
  }
  return table;
}

export interface SignOptions {
  digest?: 'sha1' | 'sha256';
  /** Nested signatures to embed in the first signature: each a ContentInfo (see `authenticodeSignature`). */
  nested?: readonly Uint8Array[];
  /** More top-level WIN_CERTIFICATE blobs after the first. */
  extraBlobs?: readonly Uint8Array[];
}

/** The image digest `signPe` would sign for `bytes` (padded to 8 bytes, as the table is appended there). */
export function imageDigestForSigning(bytes: Uint8Array, digest: 'sha1' | 'sha256' = 'sha256'): Uint8Array {
  const padded = new Uint8Array((bytes.length + 7) & ~7);
  padded.set(bytes);
  return new Uint8Array(authenticodeImageHash(padded, parsePe(padded), digest));
}

/** `bytes` (an unsigned image) with an embedded signature by `signer` appended, CheckSum updated. */
export function signPe(bytes: Uint8Array, signer: TestSigner, options: SignOptions = {}): Uint8Array {
  const image = parsePe(bytes);
  const security = image.dataDirectories[4];
  if (image.securityDirectoryOffset < 0) throw new NtStatusError(STATUS_INVALID_PARAMETER, 'signPe: the image has no security directory entry');
  if (security && security.virtualAddress !== 0) throw new NtStatusError(STATUS_INVALID_PARAMETER, 'signPe: the image already has a certificate table');
  const digestName = options.digest ?? 'sha256';
  const start = (bytes.length + 7) & ~7;
  const blob = authenticodeSignature(imageDigestForSigning(bytes, digestName), digestName, signer, options.nested ?? []);
  const table = certificateTable([blob, ...(options.extraBlobs ?? [])]);
  const out = new Uint8Array(start + table.length);
  out.set(bytes);
  out.set(table, start);
  const view = new DataView(out.buffer);
  view.setUint32(image.securityDirectoryOffset, start, true);
  view.setUint32(image.securityDirectoryOffset + 4, table.length, true);
  view.setUint32(image.checksumOffset, peChecksum(out, image.checksumOffset), true);
  return out;
}
