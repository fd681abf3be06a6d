"""Password hashing, secret tokens and signed cookie values."""

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeSerializer

# argon2id with RFC 9106's second recommended profile (64 MiB, 3 passes, 4 lanes): about 0.15 s
# per hash or check on a 2-core machine. Written out so that a library upgrade cannot lower it.
TIME_COST, MEMORY_COST_KIB, PARALLELISM = 3, 65536, 4
_hasher = PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_COST_KIB,
                         parallelism=PARALLELISM)
# Verifying against this when the e-mail is unknown takes as long as a real check, so the answer
# time does not tell whether an account exists.
_DUMMY_HASH = _hasher.hash("mot de passe factice pour égaliser les temps de réponse")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def keyed_digest(secret: str, purpose: str, value: str) -> str:
    """An HMAC-SHA-256 of ``value`` under the portal's secret, one key per purpose: unlike a
    plain hash, whoever reads the database alone cannot test guessed values against it."""
    key = hmac.new(secret.encode(), purpose.encode(), hashlib.sha256).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def same_secret(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


class Signer:
    """Signs cookie values with the portal's secret key, one salt per purpose."""

    def __init__(self, secret: str, purpose: str):
        self._serializer = URLSafeSerializer(secret, salt=purpose)

    def sign(self, value: str) -> str:
        return self._serializer.dumps(value)

    def unsign(self, signed: str | None) -> str | None:
        if not signed:
            return None
        try:
            value = self._serializer.loads(signed)
        except BadSignature:
            return None
        return value if isinstance(value, str) else None
