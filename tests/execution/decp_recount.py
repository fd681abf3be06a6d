"""The DECP import's counts recounted by hand: the rules of the rejection reasons written again
over the raw JSON, without any code of execution.decp (run it alone:
``python -m tests.execution.decp_recount FILE…``). The import tests compare both."""

import json
import re
import sys

# The CPV 2008 divisions, written again here rather than imported from the code under test.
DIVISIONS = {str(d).zfill(2) for d in (
    3, 9, 14, 15, 16, 18, 19, 22, 24, 30, 31, 32, 33, 34, 35, 37, 38, 39, 41, 42, 43, 44, 45, 48,
    50, 51, 55, 60, 63, 64, 65, 66, 70, 71, 72, 73, 75, 76, 77, 79, 80, 85, 90, 92, 98)}


def _luhn(s):
    total = 0
    for i, c in enumerate(reversed(s)):
        v = int(c) * (2 if i % 2 else 1)
        total += v - 9 if v > 9 else v
    return total % 10 == 0


def _siret(s):
    s = "".join(str(s or "").split())
    return len(s) == 14 and s.isdigit() and len(set(s)) > 1 and (
        _luhn(s) or (s.startswith("356000000") and sum(map(int, s)) % 5 == 0))


def _cpv(c):
    c = "".join(str(c or "").split())
    if re.fullmatch(r"[39]\d{6}(-\d)?", c):
        c = "0" + c
    return bool(re.fullmatch(r"\d{8}(-\d)?", c)) and len(set(c[:8])) > 1 and c[:2] in DIVISIONS


def _date(d):
    return bool(d) and re.fullmatch(r"(199\d|20\d\d)-\d\d-\d\d(Z|[+-]\d\d:\d\d)?",
                                    str(d).strip()) is not None


def _is_siret_kind(h):
    return str(h.get("typeIdentifiant") or "").upper() in ("", "SIRET")


def recount(path) -> dict[str, int]:
    """{"created", "unchanged", "rejected"} of a first import of the file into an empty
    register."""
    with open(path, "rb") as stream:
        data = json.load(stream)
    m = data["marches"] if isinstance(data, dict) else data
    records = m if isinstance(m, list) else m.get("marche", []) + m.get("contrat-concession", [])
    seen, kinds, counts = {}, {}, dict.fromkeys(("created", "unchanged", "rejected"), 0)
    for r in records:
        r = {k.strip(): v for k, v in r.items()}
        conc = r.get("_type") == "Contrat de concession" or "autoriteConcedante" in r
        b = r.get("autoriteConcedante" if conc else "acheteur") or {}
        hs = [h.get("titulaire", h.get("concessionnaire", h))
              for h in r.get("concessionnaires" if conc else "titulaires") or []]
        names = [r.get("objet"), b.get("nom")] + [h.get("denominationSociale") for h in hs]
        test = str(r.get("codeCPV") or "")[:4] == "1234" or any(
            re.match(r"\s*test\b", str(x or ""), re.I) for x in names)
        ok = (not test and str(r.get("id") or "").strip() != "" and _siret(b.get("id"))
              and str(r.get("objet") or "").strip() != "" and bool(hs)
              and r.get("dureeMois") not in (None, "")
              and all(_siret(h.get("id")) for h in hs if _is_siret_kind(h)))
        for mo in r.get("modifications") or []:
            mo = mo.get("modification", mo)
            if mo.get("dureeMois") is not None and float(mo["dureeMois"]) % 1:
                ok = False
            ok = ok and all(_siret(h.get("titulaire", h).get("id"))
                            for h in mo.get("titulaires") or [] if _is_siret_kind(h))
        if conc:
            ok = ok and _date(r.get("dateSignature")) and r.get("valeurGlobale") is not None \
                and (not r.get("dateDebutExecution") or _date(r.get("dateDebutExecution")))
        else:
            ok = ok and _cpv(r.get("codeCPV")) and _date(r.get("dateNotification")) \
                and r.get("montant") not in (None, "")
        if ok:
            # An organisation is a buyer or a company, as first met among the records kept.
            buyer = "".join(str(b["id"]).split())
            holders = ["".join(str(h.get("id")).split()) for h in hs]
            ok = kinds.get(buyer, "b") == "b" and all(
                kinds.get(h, "s") == "s" and h != buyer for h in holders)
            if ok:
                kinds.setdefault(buyer, "b")
                for h in holders:
                    kinds.setdefault(h, "s")
        if not ok:
            counts["rejected"] += 1
            continue
        key, content = (b["id"], str(r["id"]).strip()), json.dumps(r, sort_keys=True)
        if key not in seen:
            seen[key] = content
            counts["created"] += 1
        else:
            counts["unchanged" if seen[key] == content else "rejected"] += 1
    return counts


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(name, recount(name))
