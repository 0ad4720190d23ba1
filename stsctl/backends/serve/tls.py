"""TLS for the server: a self-signed certificate made with the `openssl` command.

kubectl (client-go) sends a kubeconfig's credentials only to `https://` servers, so a server
with a bearer token must speak TLS for kubectl to authenticate at all. The certificate is its
own CA: the kubeconfig carries it as `certificate-authority-data`, so clients verify the server
without skipping verification. Python's standard library cannot make certificates, and stsctl
adds no dependency for this; the `openssl` command (present wherever OpenSSL is) makes them.
"""

from __future__ import annotations

import base64
import shutil
import ssl
import subprocess
from dataclasses import dataclass
from pathlib import Path

from stsctl.errors import StsctlError

DAYS = 3650


@dataclass(frozen=True)
class Certificate:
    cert_file: Path
    key_file: Path

    def authority_data(self) -> str:
        """The certificate as a kubeconfig's `certificate-authority-data` (base64 of the PEM)."""
        return base64.b64encode(self.cert_file.read_bytes()).decode("ascii")

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(str(self.cert_file), str(self.key_file))
        return context


def _subject_alt_names(hosts: list[str]) -> str:
    names = []
    for host in dict.fromkeys(hosts):
        bare = host.strip("[]")
        is_ip = bare.replace(".", "").isdigit() or ":" in bare
        names.append(f"IP:{bare}" if is_ip else f"DNS:{bare}")
    return ",".join(names)


def self_signed(directory: Path, hosts: list[str]) -> Certificate:
    """A new key and self-signed certificate for `hosts` (IP addresses or names) in
    `directory` (created, private)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise StsctlError(
            "serving over TLS needs the openssl command to make a certificate, and it is not "
            "installed",
            hint="Install openssl (Debian: apt-get install openssl), or serve without TLS "
            "(--no-tls): kubectl then sends no token, but other clients can.",
        )
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    cert, key = directory / "serving.crt", directory / "serving.key"
    command = [
        openssl,
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        str(DAYS),
        "-subj",
        "/CN=stsctl-serve",
        "-addext",
        f"subjectAltName={_subject_alt_names(hosts)}",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-keyout",
        str(key),
        "-out",
        str(cert),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise StsctlError(f"openssl could not make a certificate: {e}") from None
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise StsctlError(f"openssl could not make a certificate: {detail}")
    key.chmod(0o600)
    return Certificate(cert, key)
