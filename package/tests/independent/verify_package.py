#!/usr/bin/env python3
"""An independent verifier of miniapp packages, written from docs/package-format.md only.

Usage: verify_package.py PACKAGE.zip|VECTOR_DIR ROOT.pub.pem [NOW_UNIX]

Checks the partner record against the root key, the package's DSSE signature (version 2)
against the partner key, the signed entry list against the entries, then the namespace and
permission rules. Prints `ok <digest>` and exits 0, or prints `refused: <why>` and exits 1.
Needs Python 3.8+ and the `cryptography` package.
"""
import base64
import hashlib
import json
import os
import sys
import time
import zipfile

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

PERMISSIONS = [
    "storage", "auth", "payment", "location", "ui", "device", "clipboard", "share", "haptics",
    "navigation", "biometrics", "notifications", "camera", "network",
]
PAYLOAD_TYPE = "application/vnd.miniapp.package-entries.v2"
SIGNATURE_PATH = "signature.dsse.json"


class Refused(Exception):
    pass


def pss_ok(public_key, message, signature):
    try:
        public_key.verify(
            signature,
            message,
            padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
            hashes.SHA256(),
        )
        return True
    except InvalidSignature:
        return False


def read_entries(path):
    if os.path.isdir(path):
        entries = {}
        for base, _, names in os.walk(path):
            for name in names:
                full = os.path.join(base, name)
                rel = os.path.relpath(full, path).replace(os.sep, "/")
                with open(full, "rb") as f:
                    entries[rel] = f.read()
        return entries
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist() if not i.filename.endswith("/")}


def partner_payload(record):
    fields = [
        ("partner", record["partner"]),
        ("publicKey", record["publicKey"]),
        ("allowedPermissions", [p for p in PERMISSIONS if p in record["allowedPermissions"]]),
        ("namespace", record["namespace"]),
        ("issuedAt", record["issuedAt"]),
        ("expiresAt", record["expiresAt"]),
    ]
    if record.get("allowedDomains"):
        fields.append(("allowedDomains", record["allowedDomains"]))
    body = json.dumps(dict(fields), separators=(",", ":"), ensure_ascii=False)
    return b"miniapp-partner-v1\n" + body.encode("utf-8")


def pae(payload_type, payload):
    t = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)


def parse_entry_list(payload):
    header = b"miniapp-package-v2\n"
    if not payload.startswith(header):
        raise Refused("entry list header")
    body = payload[len(header):].decode("utf-8")
    if body and not body.endswith("\n"):
        raise Refused("entry list does not end with a newline")
    listed, previous = {}, None
    for line in body.split("\n")[:-1] if body else []:
        parts = line.split(" ", 2)
        if len(parts) != 3:
            raise Refused("entry list line %r" % line)
        digest, size, path = parts
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise Refused("entry list digest %r" % digest)
        if not size.isdigit() or (size != "0" and size.startswith("0")) or not path:
            raise Refused("entry list line %r" % line)
        if previous is not None and previous.encode() >= path.encode():
            raise Refused("entry list order at %r" % path)
        previous = path
        listed[path] = (int(size), digest)
    return listed


def verify(entries, root_key, now):
    record = json.loads(entries["partner.json"])
    root_sig = base64.b64decode(record["signature"], validate=True)
    if not pss_ok(root_key, partner_payload(record), root_sig):
        raise Refused("partner record not signed by the root key")
    if not record["issuedAt"] <= now < record["expiresAt"]:
        raise Refused("partner record outside its validity window")
    partner_key = serialization.load_pem_public_key(record["publicKey"].encode())

    if SIGNATURE_PATH not in entries:
        raise Refused("no %s (not a version-2 package)" % SIGNATURE_PATH)
    envelope = json.loads(entries[SIGNATURE_PATH])
    if envelope["payloadType"] != PAYLOAD_TYPE:
        raise Refused("payloadType %r" % envelope["payloadType"])
    payload = base64.b64decode(envelope["payload"], validate=True)
    message = pae(envelope["payloadType"], payload)
    if not any(pss_ok(partner_key, message, base64.b64decode(s["sig"], validate=True))
               for s in envelope["signatures"]):
        raise Refused("envelope not signed by the partner key")

    listed = parse_entry_list(payload)
    actual = {p: d for p, d in entries.items() if p != SIGNATURE_PATH}
    if set(listed) != set(actual):
        raise Refused("entries differ from the signed list: %s" % sorted(set(listed) ^ set(actual)))
    for path, data in actual.items():
        if listed[path] != (len(data), hashlib.sha256(data).hexdigest()):
            raise Refused("entry %r differs from the signed list" % path)

    manifest = json.loads(entries["manifest.json"])
    if "signature" in manifest:
        raise Refused("a version-2 manifest carries no signature")
    ns = record["namespace"]
    if not (manifest["id"] == ns or manifest["id"].startswith(ns + ".")):
        raise Refused("id outside the namespace")
    if not set(manifest.get("permissions", [])) <= set(record["allowedPermissions"]):
        raise Refused("permission not allowed")
    return hashlib.sha256(payload).hexdigest()


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[2], "rb") as f:
        root_key = serialization.load_pem_public_key(f.read())
    now = int(sys.argv[3]) if len(sys.argv) == 4 else int(time.time())
    try:
        digest = verify(read_entries(sys.argv[1]), root_key, now)
    except (Refused, KeyError, ValueError) as e:
        print("refused: %s" % e)
        return 1
    print("ok %s" % digest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
