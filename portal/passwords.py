"""Password rules: long enough, and not one of the passwords every attacker tries first."""

MIN_LENGTH = 12

# The most common passwords of public leak lists (as typed, lower-cased), with the French
# favourites; any password containing one of them and little else is refused too.
COMMON = {
    "123456789012", "1234567890123", "12345678910", "azertyuiop", "azerty123456",
    "azertyuiop123", "motdepasse", "motdepasse123", "motdepasse1234", "password", "password123",
    "password1234", "passw0rd", "qwertyuiop", "qwerty123456", "iloveyou", "jetaime", "soleil",
    "doudou", "chouchou", "loulou", "marseille", "bonjour", "bienvenue", "football", "princesse",
    "nicolas", "camille", "admin", "administrateur", "welcome", "letmein", "monkey", "dragon",
    "sunshine", "master", "superman", "starwars", "000000000000", "111111111111",
    "abcdefghijkl", "portail", "portailachats", "changeme", "changemoi", "secret", "azerty",
    "qwerty", "123456", "1234567", "12345678", "123456789",
}


def password_error(password: str) -> str | None:
    if len(password) < MIN_LENGTH:
        return f"Le mot de passe doit comporter au moins {MIN_LENGTH} caractères."
    lowered = password.lower()
    core = lowered.strip("0123456789!?.*_-@#$ ")
    if lowered in COMMON or core in COMMON or len(set(password)) <= 3:
        return "Ce mot de passe est trop courant : choisissez-en un autre, par exemple une " \
               "phrase de plusieurs mots."
    return None
