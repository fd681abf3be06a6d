"""Production's password hashing cost (the suite itself hashes with light parameters, conftest)."""

from argon2 import PasswordHasher

from portal import security


def test_production_hashes_with_argon2id_64_mib_3_passes():
    stored = PasswordHasher(time_cost=security.TIME_COST, memory_cost=security.MEMORY_COST_KIB,
                            parallelism=security.PARALLELISM).hash("un mot de passe")

    assert stored.startswith("$argon2id$")
    assert "m=65536,t=3,p=4" in stored


def test_a_password_checks_against_its_own_hash_only():
    stored = security.hash_password("un mot de passe")

    assert security.verify_password(stored, "un mot de passe")
    assert not security.verify_password(stored, "un autre")
    assert not security.verify_password(None, "un mot de passe")
    assert not security.verify_password("pas un hash", "un mot de passe")
