"""Network Security > CA Certificate: the CA certificates the device trusts besides its own.

Epson devices verify an SMTP server's certificate against their CA store; a server whose CA the
device lacks gives 313 (communication error, "The connection is untrusted ... CA Certificate").
Importing the server's CA here makes the device trust it for SMTP (STARTTLS and SSL/TLS) and for
the Connection Test. Certificates are kept one PEM file each in ``state_dir/ca_certificates``
(0700 dir, 0600 files), named by their SHA-256 fingerprint.

``cryptography`` is imported only when a certificate is imported or listed (not at start-up).
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from . import storage
from .i18n import Msg

if TYPE_CHECKING:  # imported at run time only where a certificate is read
    from cryptography import x509

log = logging.getLogger(__name__)

#: Epson's Web Config keeps a handful of CA certificates; the emulator keeps at most this many
MAX_CERTIFICATES = 10
#: a PEM file larger than this is not a certificate a person imports (and is not read whole)
MAX_PEM_BYTES = 64 * 1024
DIR_NAME = "ca_certificates"


class TrustError(ValueError):
    """A certificate that cannot be imported; ``msg`` says why in the device's words."""

    def __init__(self, msg: Msg) -> None:
        super().__init__(msg.key)
        self.msg = msg


@dataclass(frozen=True)
class CaCertificate:
    """One trusted CA as Web Config lists it."""

    id: str  # SHA-256 fingerprint, hex (also the file name)
    subject: str
    issuer: str
    not_after: datetime
    pem: str

    @property
    def fingerprint(self) -> str:
        """SHA-256 as colon-separated pairs (the first 8 bytes are enough to tell them apart)."""
        return ":".join(self.id[i : i + 2] for i in range(0, 16, 2)).upper()


def _name(name: x509.Name) -> str:
    from cryptography.x509.oid import NameOID

    cn = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(cn[0].value) if cn else name.rfc4514_string()


def parse_pem(data: str | bytes) -> list[CaCertificate]:
    """Every certificate in ``data``; TrustError (a clear message) if there is none or it is bad."""
    import hashlib  # here: it loads OpenSSL's digests, which a start without certificates never needs

    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    raw = data.encode("utf-8", "replace") if isinstance(data, str) else bytes(data)
    if len(raw) > MAX_PEM_BYTES:
        raise TrustError(Msg.of("trust.too_large", kb=MAX_PEM_BYTES // 1024))
    if b"-----BEGIN CERTIFICATE-----" not in raw:
        raise TrustError(Msg.of("trust.not_pem"))
    try:
        certs = x509.load_pem_x509_certificates(raw)
    except ValueError:
        raise TrustError(Msg.of("trust.bad_pem")) from None
    out: list[CaCertificate] = []
    for cert in certs:
        der = cert.public_bytes(serialization.Encoding.DER)
        out.append(
            CaCertificate(
                id=hashlib.sha256(der).hexdigest(),
                subject=_name(cert.subject),
                issuer=_name(cert.issuer),
                not_after=cert.not_valid_after_utc,
                pem=cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
            )
        )
        if not _is_ca(cert):
            raise TrustError(Msg.of("trust.not_ca", subject=out[-1].subject))
    return out


def _is_ca(cert: x509.Certificate) -> bool:
    """A CA (Basic Constraints CA:TRUE) or a self-signed certificate (trusted as its own anchor)."""
    from cryptography import x509

    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return cert.issuer == cert.subject


class CaCertificates:
    """The device's imported CA store. Changes fire ``DeviceEvent("settings", "ca_certificates")``."""

    def __init__(self, directory: Path, emit: Callable[[str, object], None] | None = None,
                 now: Callable[[], datetime] | None = None) -> None:
        self.directory = Path(directory)
        self._emit = emit
        self._now = now or (lambda: datetime.now(timezone.utc))

    def _files(self) -> list[Path]:
        if not self.directory.is_dir():
            return []
        return sorted(p for p in self.directory.glob("*.pem") if len(p.stem) == 64)

    def revision(self) -> str:
        """Changes whenever the set of certificates does (TLS contexts are cached by it)."""
        return ",".join(p.stem[:16] for p in self._files())

    def list(self) -> list[CaCertificate]:
        """The imported certificates, oldest import first; an unreadable file is skipped."""
        out: list[CaCertificate] = []
        for path in sorted(self._files(), key=lambda p: p.stat().st_mtime_ns):
            try:
                out.extend(parse_pem(path.read_bytes()[:MAX_PEM_BYTES]))
            except (OSError, TrustError) as exc:
                log.warning("CA certificate %s skipped: %s", path.name, exc)
        return out

    def import_pem(self, data: str | bytes) -> list[CaCertificate]:
        """Trust the certificate(s) in ``data``; TrustError with a message if they cannot be."""
        certs = parse_pem(data)
        have = {p.stem for p in self._files()}
        new = [c for c in certs if c.id not in have]
        if not new:
            raise TrustError(Msg.of("trust.duplicate", subject=certs[0].subject))
        if len(have) + len(new) > MAX_CERTIFICATES:
            raise TrustError(Msg.of("trust.full", max=MAX_CERTIFICATES))
        now = self._now()
        for cert in new:
            if cert.not_after < now:
                raise TrustError(Msg.of("trust.expired", subject=cert.subject))
        storage.ensure_dir(self.directory)
        for cert in new:
            storage.atomic_write_bytes(self.directory / f"{cert.id}.pem", cert.pem.encode("ascii"))
        self._changed()
        return new

    def import_file(self, path: str | Path) -> list[CaCertificate]:
        """Import from a file the user names (Web Config's file field)."""
        p = Path(str(path).strip()).expanduser()
        try:
            with p.open("rb") as fh:
                data = fh.read(MAX_PEM_BYTES + 1)
        except IsADirectoryError:
            raise TrustError(Msg.of("trust.no_file", path=str(p))) from None
        except OSError as exc:
            raise TrustError(Msg.of("trust.unreadable", path=str(p), reason=exc.strerror or type(exc).__name__)) from None
        return self.import_pem(data)

    def delete(self, cert_id: str) -> bool:
        """Stop trusting ``cert_id``; False if it was not there."""
        path = self.directory / f"{cert_id}.pem"
        if len(cert_id) != 64 or not path.is_file():
            return False
        path.unlink()
        self._changed()
        return True

    def apply(self, ctx: ssl.SSLContext) -> None:
        """Add the imported CAs to a verifying TLS context (blocking: reads the files)."""
        for path in self._files():
            try:
                ctx.load_verify_locations(cadata=path.read_text("ascii"))
            except (OSError, ValueError, ssl.SSLError) as exc:
                log.warning("CA certificate %s not loaded: %s", path.name, exc)

    def _changed(self) -> None:
        if self._emit is not None:
            self._emit("settings", "ca_certificates")
