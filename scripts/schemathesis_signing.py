"""Lets schemathesis reach the signed sync endpoints as an enrolled device.

Used by scripts/api-check in two ways:

  python3 scripts/schemathesis_signing.py enroll URL CODE FILE
      makes an Ed25519 key, enrols it with the one-time CODE (POST /v1/enroll) and writes the
      device id and the private key to FILE;

  SCHEMATHESIS_HOOKS=schemathesis_signing FIELDSYNC_SIGNING_FILE=FILE schemathesis run ...
      signs every generated JSON request to /v1/session, /v1/push and /v1/pull the way a field
      laptop does, with a fresh nonce from /v1/nonce (WireCodec.RequestSignature:
      "FIELDSYNC-2\\nMETHOD\\nPATH\\nDEVICE\\nNONCE\\nsha256-hex(body)"),
      so the generated bodies get past the signature check and reach the code behind it; each
      answer's path and status is appended to $FIELDSYNC_SIGNING_FILE.calls;

  python3 scripts/schemathesis_signing.py check FILE
      fails unless session, push and pull each answered 200 at least once (the signing worked).
"""

import base64
import hashlib
import json
import os
import secrets
import sys
import urllib.request

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

SIGNED_PATHS = {"/v1/session", "/v1/push", "/v1/pull", "/v1/attachments/offer", "/v1/attachments/want"}


def fresh_nonce(url):
    answer = urllib.request.urlopen(urllib.request.Request(
        url.rstrip("/") + "/v1/nonce", data=b"{}", headers={"Content-Type": "application/json"}, method="POST"), timeout=10)
    return json.load(answer)["nonce"]


def signature_headers(method, path, device, nonce, body, key):
    digest = hashlib.sha256(body).hexdigest()
    message = f"FIELDSYNC-2\n{method.upper()}\n{path}\n{device}\n{nonce}\n{digest}".encode()
    return {"X-Field-Device": device, "X-Field-Nonce": nonce,
            "X-Field-Signature": base64.b64encode(key.sign(message)).decode()}


def enroll(url, code, path):
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    request = {"code": code, "publicKey": base64.b64encode(public).decode(),
               "deviceName": "schemathesis", "replica": secrets.token_hex(8)}
    answer = urllib.request.urlopen(urllib.request.Request(
        url.rstrip("/") + "/v1/enroll", data=json.dumps(request).encode(),
        headers={"Content-Type": "application/json"}, method="POST"), timeout=10)
    device = json.load(answer)["device"]
    private = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                serialization.NoEncryption())
    with open(path, "w") as file:
        json.dump({"device": device, "key": base64.b64encode(private).decode(), "url": url}, file)
    print(f"enrolled device {device}")


def check(path):
    counts = {}
    with open(path + ".calls") as file:
        for line in file:
            endpoint, status = line.split()
            counts.setdefault(endpoint, {}).setdefault(status, 0)
            counts[endpoint][status] += 1
    for endpoint in sorted(SIGNED_PATHS):
        statuses = counts.get(endpoint, {})
        print(f"{endpoint}: " + ", ".join(f"{status}×{n}" for status, n in sorted(statuses.items())))
        if statuses.get("200", 0) == 0:
            sys.exit(f"{endpoint} never answered 200: the signed requests did not get through")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "enroll":
        enroll(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) == 3 and sys.argv[1] == "check":
        check(sys.argv[2])
    else:
        sys.exit("usage: schemathesis_signing.py enroll URL CODE FILE | check FILE")
else:
    import schemathesis
    from schemathesis.core import NOT_SET

    _file = os.environ["FIELDSYNC_SIGNING_FILE"]
    with open(_file) as file:
        _identity = json.load(file)
    _device = _identity["device"]
    _key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(_identity["key"]))

    @schemathesis.hook
    def before_call(context, case, kwargs):
        path = case.formatted_path
        if path not in SIGNED_PATHS or case.body is NOT_SET or "json" not in (case.media_type or ""):
            return
        try:
            body = json.dumps(case.body).encode()
        except (TypeError, ValueError):
            return  # not JSON: left unsigned, the server must still answer 4xx
        kwargs["data"] = body
        headers = dict(case.headers or {})
        headers.update(signature_headers(case.method, path, _device, fresh_nonce(_identity["url"]), body, _key))
        case.headers = headers


    @schemathesis.hook
    def after_call(context, case, response):
        path = case.formatted_path
        if path in SIGNED_PATHS:
            with open(_file + ".calls", "a") as file:
                file.write(f"{path} {response.status_code}\n")
