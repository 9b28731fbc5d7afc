"""The tenant's own certificate authority and its server certificate.

Created on first start in the state dir and reused afterwards, so a client that trusted the
CA once keeps trusting the tenant across restarts. EC P-256 keys: generation takes
milliseconds, which keeps test start-up fast. The server certificate carries Microsoft's
host names too, so a device whose resolver maps them to loopback verifies TLS by the names
it shows to the user.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
import os
import ssl
from dataclasses import dataclass
from pathlib import Path

from cloud_sim.fsutil import atomic_write_bytes

SERVER_DNS_NAMES = (
    "localhost",
    "login.microsoftonline.com",
    "smtp.office365.com",
    "smtp-mail.outlook.com",
)
SERVER_IPS = ("127.0.0.1", "::1")
RECORD_NAME = "certs.json"


@dataclass(frozen=True)
class CaFiles:
    ca_cert: Path
    ca_key: Path
    server_cert: Path
    server_key: Path


def _paths(state_dir: Path) -> CaFiles:
    return CaFiles(
        ca_cert=state_dir / "ca.pem",
        ca_key=state_dir / "ca-key.pem",
        server_cert=state_dir / "server.pem",
        server_key=state_dir / "server-key.pem",
    )


def ensure_ca(state_dir: Path, extra_names: tuple[str, ...] = ()) -> CaFiles:
    """Return the CA and server files, creating whatever is missing, stale or unusable.

    A warm start is answered from ``certs.json`` (what was issued, and hashes of the files it
    was issued as) without importing ``cryptography``: that import costs about 15 MiB and
    tens of milliseconds in the panel process that embeds the tenant.
    """
    files = _paths(state_dir)
    _keep_private(state_dir, files)
    dns_names, ips = _wanted_names(extra_names)
    if _record_covers(state_dir, files, dns_names, ips):
        return files
    files = _ensure_ca_slow(state_dir, extra_names)
    _write_record(state_dir, files, dns_names, ips)
    return files


def _move_aside(*paths: Path, why: str) -> None:
    """Rename damaged files to ``<name>.corrupt-<time>`` (kept for inspection) and say so."""
    import logging
    import time

    stamp = int(time.time())
    for path in paths:
        if path.exists():
            aside = path.with_name(f"{path.name}.corrupt-{stamp}")
            try:
                os.replace(path, aside)
            except OSError:
                continue
            logging.getLogger(__name__).warning("%s: moved %s to %s and issued a new one",
                                                why, path.name, aside.name)


def _keep_private(state_dir: Path, files: CaFiles) -> None:
    """Put the certificate files back to 0600 (older versions wrote the certificates 0644):
    every state file of the tenant is owner-only, as the README promises."""
    for path in (files.ca_cert, files.ca_key, files.server_cert, files.server_key,
                 state_dir / RECORD_NAME):
        try:
            if path.is_file() and not path.is_symlink() and path.stat().st_mode & 0o077:
                os.chmod(path, 0o600)
        except OSError:  # pragma: no cover - not ours; the checks below decide
            pass


def _wanted_names(extra_names: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    dns_names = tuple(dict.fromkeys(SERVER_DNS_NAMES + tuple(
        n for n in extra_names if not _is_ip(n))))
    ips = tuple(dict.fromkeys(SERVER_IPS + tuple(n for n in extra_names if _is_ip(n))))
    return dns_names, ips


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _digests(files: CaFiles) -> dict[str, str]:
    """The record's fingerprints of the four files, by name."""
    return {"ca_cert": _digest(files.ca_cert), "ca_key": _digest(files.ca_key),
            "server_cert": _digest(files.server_cert), "server_key": _digest(files.server_key)}


def _record_covers(state_dir: Path, files: CaFiles, dns_names: tuple[str, ...],
                   ips: tuple[str, ...]) -> bool:
    """Whether the files are exactly those recorded at issue and still good for a week."""
    try:
        rec = json.loads((state_dir / RECORD_NAME).read_text("utf-8"))
        if rec.get("version") != 1:
            return False
        for field, digest in _digests(files).items():
            if rec["sha256"][field] != digest:
                return False
        not_after = dt.datetime.fromisoformat(rec["server_not_after"])
        now = dt.datetime.now(dt.timezone.utc)
        return (not_after > now + dt.timedelta(days=7)
                and set(dns_names) <= set(rec["dns"])
                and {str(ipaddress.ip_address(i)) for i in ips} <= set(rec["ips"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


def _write_record(state_dir: Path, files: CaFiles, dns_names: tuple[str, ...],
                  ips: tuple[str, ...]) -> None:
    from cryptography import x509

    cert = x509.load_pem_x509_certificate(files.server_cert.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    rec = {
        "version": 1,
        "server_not_after": cert.not_valid_after_utc.isoformat(),
        "dns": sorted(san.get_values_for_type(x509.DNSName)),
        "ips": sorted(str(i) for i in san.get_values_for_type(x509.IPAddress)),
        "sha256": _digests(files),
    }
    atomic_write_bytes(state_dir / RECORD_NAME, json.dumps(rec, indent=1).encode())


def _ensure_ca_slow(state_dir: Path, extra_names: tuple[str, ...] = ()) -> CaFiles:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    files = _paths(state_dir)
    now = dt.datetime.now(dt.timezone.utc)
    pem = serialization.Encoding.PEM
    key_fmt = serialization.PrivateFormat.PKCS8
    nocrypt = serialization.NoEncryption()

    ca_key = ca_cert = None
    halves = [p for p in (files.ca_cert, files.ca_key) if p.exists()]
    if len(halves) == 1:  # the other half is lost: keep this one for inspection, then start anew
        _move_aside(*halves, why="the tenant CA is incomplete (its certificate or its key is missing)")
    if files.ca_cert.exists() and files.ca_key.exists():
        try:
            ca_cert = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
            ca_key = serialization.load_pem_private_key(files.ca_key.read_bytes(), None)
            if ca_cert.not_valid_after_utc < now + dt.timedelta(days=30):
                ca_cert = ca_key = None
        except (ValueError, TypeError):  # damaged: kept aside for inspection, then replaced
            ca_cert = ca_key = None
            _move_aside(files.ca_cert, files.ca_key, why="the tenant CA is unreadable")
    new_ca = ca_cert is None
    if new_ca:
        ca_key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "cloud-sim (simulated Microsoft 365)"),
            x509.NameAttribute(NameOID.COMMON_NAME, "cloud-sim local tenant CA"),
        ])
        ca_cert = (
            x509.CertificateBuilder()
            .subject_name(name).issuer_name(name)
            .public_key(ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                           critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        atomic_write_bytes(files.ca_key, ca_key.private_bytes(pem, key_fmt, nocrypt))
        atomic_write_bytes(files.ca_cert, ca_cert.public_bytes(pem))

    dns_names = tuple(dict.fromkeys(SERVER_DNS_NAMES + tuple(
        n for n in extra_names if not _is_ip(n))))
    ips = tuple(dict.fromkeys(SERVER_IPS + tuple(n for n in extra_names if _is_ip(n))))
    if not new_ca and _server_cert_ok(files, ca_cert, dns_names, ips, now):
        return files

    key = ec.generate_private_key(ec.SECP256R1())
    san = x509.SubjectAlternativeName(
        [x509.DNSName(n) for n in dns_names]
        + [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=397))
        .add_extension(san, critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    atomic_write_bytes(files.server_key, key.private_bytes(pem, key_fmt, nocrypt))
    atomic_write_bytes(files.server_cert, cert.public_bytes(pem))
    return files


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _server_cert_ok(files: CaFiles, ca_cert, dns_names, ips, now) -> bool:
    from cryptography import x509

    from cryptography.hazmat.primitives import serialization

    if not (files.server_cert.exists() and files.server_key.exists()):
        return False
    try:
        cert = x509.load_pem_x509_certificate(files.server_cert.read_bytes())
        key = serialization.load_pem_private_key(files.server_key.read_bytes(), None)
        if key.public_key().public_numbers() != cert.public_key().public_numbers():
            raise ValueError("the server key does not match its certificate")
    except (ValueError, TypeError, AttributeError):
        # damaged: without this the TLS context fails on every run; keep it aside, reissue
        _move_aside(files.server_cert, files.server_key,
                    why="the tenant's server certificate or key is unreadable")
        return False
    try:
        if cert.issuer != ca_cert.subject or cert.not_valid_after_utc < now + dt.timedelta(days=7):
            return False
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        have_dns = set(san.get_values_for_type(x509.DNSName))
        have_ips = {str(i) for i in san.get_values_for_type(x509.IPAddress)}
        return set(dns_names) <= have_dns and {str(ipaddress.ip_address(i)) for i in ips} <= have_ips
    except (ValueError, x509.ExtensionNotFound):
        return False


def server_ssl_context(files: CaFiles) -> ssl.SSLContext:
    """TLS 1.2+ server context, as Microsoft's front doors require."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(str(files.server_cert), str(files.server_key))
    return ctx


def client_ssl_context(ca_cert: Path) -> ssl.SSLContext:
    """A client context that trusts only the tenant CA."""
    ctx = ssl.create_default_context(cafile=str(ca_cert))
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx
