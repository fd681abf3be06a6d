"""Every indicator of indicators.md against a value computed by hand on a crafted dataset.

The dataset (year 2025, clock on 01/02/2026): buyer A (Lille, Hauts-de-France) and buyer B
(Paris). Suppliers: S1 PME in the Nord, S2 GE in Paris, S3 TPE with no address, S4 of unknown
size in the Pas-de-Calais.

  C1  A, S1 + co-holder S2, notified 01/02/2025, 100 000 €, social clause + environmental clause,
      2025-01-01 → 2026-12-31, 1 000 insertion hours, progress plan, CSR report
  C2  A, S3, notified 01/03/2025, 90 000 € (= threshold), reserved, 2025, 500 h, CSR report
  C3  A, S4, notified 01/06/2025, 50 000 € (< threshold), social criterion
  C4  A, S2, notified 2024, 2024-01-01 → 2025-06-30 closed 31/03/2025, 800 h
  C5  A, S1, 2023-2024 (not active in 2025), 100 h
  C6  A, S2, notified 01/09/2025, 120 000 €, no consideration, 2025, AGEC, CSR report
  D1  B, S2, notified 01/04/2025, 300 000 €, environmental criterion, 2025, 2 000 h
"""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from execution.indicators.config import current_settings
from execution.indicators.service import compute_indicators, display
from portal import clock
from portal.models import Commitment, CommitmentKind, OrgKind
from portal.reporting_period import parse_period
from supplier.models import Declaration, Status
from tests.execution import indicator_world as w
from tests.execution.indicator_dataset import build

D = Decimal


@pytest.fixture
def ds(db):
    return build(db)


def figures(db, buyer, year: int = 2025) -> dict:
    return {i.id: i for i in compute_indicators(db, year=year,
                                                buyer_org_id=buyer.id if buyer else None)}


def test_every_indicator_of_the_reference_is_there_in_its_order(db, ds):
    ids = [i.id for i in compute_indicators(db, year=2025, buyer_org_id=ds.a.id)]
    assert ids == [
        "insertion_hours", "insertion_fte", "insertion_completion_rate", "insertion_women_share",
        "insertion_by_public", "insertion_contracts",
        # Issue 15 (the MEL scheme): beside the reference's indicators.
        "insertion_people", "insertion_positive_exits", "social_consideration_share",
        "environmental_consideration_share", "reserved_contracts", "agec_shares",
        "agec_completion_rate", "supplier_satisfaction", "buyer_satisfaction",
        "on_time_declarations", "review_delay_days", "progress_plans", "sme_holders_share",
        "regional_holders_share", "csr_reports_received", "concession_reports_received",
        # Issue 17: the climate follow-up.
        "carbon_clause_share", "global_cost_criterion_share", "carbon_emissions"]


def test_insertion_hours_fte_and_women_share(db, ds):
    f = figures(db, ds.a)
    # Validated lines of 2025 periods: C1 100 + 50,5 + 200, C2 49,5, C4 100 = 500 h (5 lines);
    # C1 Q3 (submitted), C2 Q3 (returned), C4 and C5 Q4 2024 and buyer B are left out.
    assert (f["insertion_hours"].value, f["insertion_hours"].records) == (D("500.00"), 5)
    # 500 / 1 607 = 0,311 → 0,3 ETP.
    fte = f["insertion_fte"]
    assert (fte.value, fte.numerator, fte.denominator) == (D("0.3"), D("500.00"), D("1607.00"))
    assert "1 607 heures par équivalent temps plein" in fte.sentence.replace("\u202f", " ")
    # Women: 100 + 49,5 + 100 = 249,5 h / 500 h = 49,9 %.
    women = f["insertion_women_share"]
    assert (women.value, women.numerator, women.denominator) == (D("49.9"), D("249.5"), D(500))
    assert display(women.value, women.unit) == "49,9\u00a0%"
    # All buyers: + 1 000 h of D1 (a woman) = 1 500 h; 1 249,5 / 1 500 = 83,3 %; 0,9 ETP.
    everyone = figures(db, None)
    assert everyone["insertion_hours"].value == D(1500)
    assert everyone["insertion_women_share"].value == D("83.3")
    assert everyone["insertion_fte"].value == D("0.9")
    assert figures(db, ds.b)["insertion_hours"].value == D(1000)


def test_insertion_by_public_by_age_band_and_by_sex(db, ds):
    by = figures(db, ds.a)["insertion_by_public"]
    assert by.value == D(500)

    def rows(key):
        return [(r.extra["code"], r.value, r.extra["share"]) for r in by.breakdowns[key]]

    # RSA 100 + 200 + 100 = 400 (80,0 %), DELD 50,5 (10,1 %), young 49,5 (9,9 %).
    assert rows("public") == [("DELD_12M", D("50.5"), D("10.1")), ("RSA", D(400), D("80.0")),
                              ("JEUNE_MOINS_26", D("49.5"), D("9.9"))]
    # Under 26: 50,5 + 49,5 = 100; 26-49: 100; 50 and over: 200 + 100 = 300.
    assert rows("age_band") == [("MOINS_26", D(100), D("20.0")), ("26_49", D(100), D("20.0")),
                                ("50_PLUS", D(300), D("60.0"))]
    assert rows("sex") == [("F", D("249.5"), D("49.9")), ("M", D("250.5"), D("50.1"))]
    assert by.breakdowns["public"][1].label == "Bénéficiaire du RSA"


def test_insertion_completion_rate_and_contracts(db, ds):
    f = figures(db, ds.a)
    # Active in 2025: C1, C2, C4 (closed on 31/03/2025); C5 ended in 2024.
    # Expected at 31/12/2025: C1 1 000 × 365/730 = 500; C2 500 × 1; C4 800 × 1 → 1 800 h.
    # Validated to date: C1 350,5; C2 49,5; C4 300 (2024) + 100 = 400 → 800 h.
    rate = f["insertion_completion_rate"]
    assert (rate.numerator, rate.denominator) == (D(800), D(1800))
    assert rate.value == D("44.4")  # 800 / 1 800 = 44,44 %
    contracts = f["insertion_contracts"]
    assert (contracts.value, contracts.records) == (D(3), 3)
    assert contracts.details["target_hours"] == D(2300)


def test_social_environmental_and_reserved_contracts(db, ds):
    f = figures(db, ds.a)
    # Notified in 2025 at or above 90 000 €: C1 100 000, C2 90 000, C6 120 000 → 310 000 €.
    social = f["social_consideration_share"]
    assert (social.numerator, social.denominator, social.value) == (D(2), D(3), D("66.7"))
    # In value: C1 + C2 = 190 000 / 310 000 = 61,3 %.
    assert social.details["amount"] == D(190000)
    assert social.details["amount_share"] == D("61.3")
    environmental = f["environmental_consideration_share"]
    # C1 only: 1/3 = 33,3 %; 100 000 / 310 000 = 32,3 %.
    assert (environmental.value, environmental.details["amount_share"]) == (D("33.3"),
                                                                             D("32.3"))
    reserved = f["reserved_contracts"]
    assert (reserved.value, reserved.details["amount"], reserved.records) == (D(1), D(90000), 4)
    # All buyers: + D1 300 000 € (environmental, and 2 000 insertion hours without a social
    # flag ticked: an insertion commitment is a social consideration): social 3/4,
    # environmental 2/4 and 400 000 / 610 000 = 65,6 % in value.
    everyone = figures(db, None)
    assert everyone["social_consideration_share"].value == D("75.0")
    assert everyone["environmental_consideration_share"].details["amount_share"] == D("65.6")


def test_the_threshold_setting_moves_contracts_out(db, ds):
    settings = current_settings(db)
    settings.consideration_threshold_eur = D(100000)
    db.add(settings)
    db.flush()
    # C2 (90 000 €) drops out: C1 social of C1 and C6 → 1/2.
    social = figures(db, ds.a)["social_consideration_share"]
    assert (social.numerator, social.denominator, social.value) == (D(1), D(2), D("50.0"))
    assert "100 000 € HT" in social.sentence.replace("\u202f", " ").replace("\xa0", " ")


def test_agec_shares_and_completion_rate(db, ds):
    f = figures(db, ds.a)
    shares = f["agec_shares"]
    # Reuse (100 + 400 + 0) / (1 000 + 2 000 + 500) = 14,3 %; recycled 350 / 3 500 = 10,0 %.
    assert (shares.numerator, shares.denominator, shares.value) == (D(500), D(3500), D("14.3"))
    assert shares.details["recycled_share"] == D("10.0")
    rows = {r.extra["code"]: r.extra for r in shares.breakdowns["category"]}
    assert list(rows) == ["D2024_TEXTILES", "D2024_PAPIER", "D2024_MOBILIER"]
    # Textiles: 10,0 % ≥ 8 % and 25,0 % ≥ 20 %: met.
    textiles = rows["D2024_TEXTILES"]
    assert (textiles["reuse_share"], textiles["reuse_min"]) == (D("10.0"), D(8))
    assert (textiles["recycled_share"], textiles["recycled_min"]) == (D("25.0"), D(20))
    assert textiles["status"] == "met"
    # Paper: recycled 100 / 500 = 20,0 % < 40 %: not met. Furniture: no minimum filled yet.
    assert (rows["D2024_PAPIER"]["recycled_share"], rows["D2024_PAPIER"]["status"]) == (
        D("20.0"), "not_met")
    assert rows["D2024_MOBILIER"]["status"] == "missing"
    # 1 category met out of 3 with spend = 33,3 %.
    rate = f["agec_completion_rate"]
    assert (rate.numerator, rate.denominator, rate.value) == (D(1), D(3), D("33.3"))
    assert rate.details == {"not_met": 1, "threshold_missing": 1}


def test_satisfaction_both_ways(db, ds):
    f = figures(db, ds.a)
    supplier = f["supplier_satisfaction"]
    # Holders rating A, closed in 2025: 5, 4, (N/C), 3, 2 → (14 − 4) × 25 / 4 = 62,5 / 100;
    # the draft and the survey closed on 01/01/2026 (Paris) are left out.
    assert (supplier.numerator, supplier.denominator, supplier.value) == (D(250), D(4),
                                                                         D("62.5"))
    # 2 questionnaires of 3 invitations = 66,7 %; NPS: one 9, one 5 → 50 % − 50 % = 0.
    assert (supplier.details["response_rate"], supplier.details["nps"]) == (D("66.7"), D("0.0"))
    assert supplier.records == 2
    buyer = f["buyer_satisfaction"]
    # A rating its holders: 5, 5, 1 → (11 − 3) × 25 / 3 = 66,7; NPS: 10 and 8 → 50 %.
    assert (buyer.value, buyer.details["nps"], buyer.details["response_rate"]) == (
        D("66.7"), D("50.0"), D("66.7"))


def test_declarations_filed_on_time(db, ds):
    on_time = figures(db, ds.a)["on_time_declarations"]
    # Due in 2025 (16): insertion C1 Q1 ✓ (23:30 Paris), Q2 ✗ (00:30 Paris next day), Q3 ✓;
    # C2 Q1 ✓, Q2 ✗ (never filed), Q3 ✓ (returned since, but first filed on time); C4 Q4 2024
    # ✓ (23:30 Paris, winter),
    # Q1 ✗; C5 Q4 2024 ✗; AGEC Q1, Q2, Q3 ✓; plan v1 ✓, v2 ✓; updates Q2 ✓, Q3 ✗.
    # Due in 2026 (left out): C2 Q4, plan v3, update Q4, the CSR reports.
    assert (on_time.numerator, on_time.denominator, on_time.value) == (D(11), D(16), D("68.8"))
    # All buyers: + D1 Q1 on time → 12 / 17 = 70,6 %.
    assert figures(db, None)["on_time_declarations"].value == D("70.6")


def test_not_yet_due_declarations_count_only_once_filed(db, ds):
    clock.freeze(datetime(2025, 7, 15, 10, tzinfo=UTC))
    on_time = figures(db, ds.a)["on_time_declarations"]
    # Due before 15/07/2025 (8): C1 Q1 ✓, C2 Q1 ✓, C4 Q4 2024 ✓, C4 Q1 ✗, C5 Q4 ✗, AGEC Q1 ✓,
    # plan v1 ✓; due later but already filed (as the data stands): C1 Q2 ✗, C1 Q3 ✓, AGEC Q2 ✓,
    # Q3 ✓, plan v2 ✓, updates Q2 ✓, Q3 ✗, C2 Q3 ✓ (filed once, returned since) → 15
    # considered, 11 on time. C2 Q2 (expected) is not due yet and was never filed: left out.
    assert (on_time.numerator, on_time.denominator) == (D(11), D(15))


def test_review_delays_mean_and_median(db, ds):
    delay = figures(db, ds.a)["review_delay_days"]
    # Reviews made in 2025 (Paris): 2,0 (C1 Q1), 4,5 (C2 Q3), 1,0 and 10,0 (C4 Q1 returned then
    # resubmitted), 3,0 (C5) → mean 20,5 / 5 = 4,1; median 3,0. AGEC Q1 was validated on
    # 01/01/2026 in Paris: left out.
    assert (delay.numerator, delay.denominator, delay.value) == (D("20.5"), D(5), D("4.1"))
    assert delay.details["median"] == D("3.0")
    # All buyers, + 10,0 (D1): mean 30,5 / 6 = 5,1; median (3,0 + 4,5) / 2 = 3,75 → 3,8.
    everyone = figures(db, None)["review_delay_days"]
    assert (everyone.value, everyone.details["median"]) == (D("5.1"), D("3.8"))


def test_progress_plans(db, ds):
    plans = figures(db, ds.a)["progress_plans"]
    # Plan in force: v2 (v3 is not accepted). Due in 2025: A1, A2, A4. A1 done in Q2 (starts
    # 01/04 ≤ 30/06) and A2 done in Q3 (01/07 ≤ 30/09) are on time; A4 (due 31/08) done in Q4
    # (01/10): late → 2 / 3 = 66,7 %.
    assert (plans.numerator, plans.denominator, plans.value) == (D(2), D(3), D("66.7"))
    assert plans.details["active_plans"] == 1


def test_sme_and_regional_holders(db, ds):
    f = figures(db, ds.a)
    # Holders of contracts notified in 2025 (C1 with co-holder, C2, C3, C6): S1 PME, S2 GE,
    # S3 TPE, S4 unknown size → 2 / 4 = 50,0 %.
    sme = f["sme_holders_share"]
    assert (sme.numerator, sme.denominator, sme.value) == (D(2), D(4), D("50.0"))
    assert sme.details["unknown_size"] == 1
    # In A's region (Hauts-de-France): S1 (59), S4 (62); S2 in Paris; S3 unknown → 2 / 4.
    regional = f["regional_holders_share"]
    assert (regional.numerator, regional.denominator) == (D(2), D(4))
    assert regional.details["unknown_region"] == 1
    # All buyers: + (B, S2), both in Île-de-France → 3 / 5 = 60,0 %; S2 counted once for SMEs.
    everyone = figures(db, None)
    assert everyone["regional_holders_share"].value == D("60.0")
    assert everyone["sme_holders_share"].denominator == D(4)


def test_yearly_reports_and_a_zero_denominator(db, ds):
    f = figures(db, ds.a)
    csr = f["csr_reports_received"]
    # 2025: C1 validated, C2 under review, C6 expected → 1 / 3 = 33,3 %.
    assert (csr.numerator, csr.denominator, csr.value) == (D(1), D(3), D("33.3"))
    assert csr.details["under_review"] == 1
    # No concession: nothing expected, shown "—", never 0 %.
    concession = f["concession_reports_received"]
    assert (concession.denominator, concession.value) == (D(0), None)
    assert display(concession.value, concession.unit) == "—"


def test_a_buyer_with_nothing_gets_dashes_not_zero_percent(db, ds):
    empty = w.org(db, OrgKind.buyer, postcode="13001")
    for indicator in compute_indicators(db, year=2025, buyer_org_id=empty.id):
        if indicator.unit in ("%", "score", "jours", "ETP"):
            assert indicator.value is None or indicator.id == "insertion_fte", indicator.id
        assert indicator.records == 0, indicator.id
    f = figures(db, empty)
    assert f["insertion_hours"].value == 0 and f["insertion_fte"].value == D("0.0")
    assert display(f["review_delay_days"].value, "jours") == "—"
    assert f["review_delay_days"].details["median"] is None


def test_targets_are_read_for_the_year(db, ds):
    from execution.indicators.config import IndicatorTarget

    db.add_all([IndicatorTarget(indicator_id="social_consideration_share", year=2025,
                                value=D(30)),
                IndicatorTarget(indicator_id="insertion_hours", year=2026, value=D(400000))])
    db.flush()
    f = figures(db, ds.a)
    assert f["social_consideration_share"].target == D(30)
    assert f["insertion_hours"].target is None


@pytest.mark.parametrize(("year", "total", "fte", "shown"), [
    # Métropole européenne de Lille: 340 723 h ↔ 212 ETP in 2021 (340 723 / 1 607 = 212,02);
    (2021, "340723", D("212.0"), "212,0\u00a0ETP"),
    # 2022: 374 408 h, published 232 ETP; 374 408 / 1 607 = 232,99 → 233,0 with 1 607 h.
    (2022, "374408", D("233.0"), "233,0\u00a0ETP"),
])
def test_the_mel_check(db, year, total, fte, shown):
    buyer = w.org(db, OrgKind.buyer, postcode="59000")
    c = w.contract(db, buyer, w.org(db), starts_on=date(year, 1, 1), ends_on=date(year, 12, 31))
    d = w.declaration(db, w.insertion(db, c, total), date(year, 1, 1), date(year, 12, 31),
                      date(year + 1, 1, 31))
    w.hours(db, d, "RSA", "F", "26_49", total)
    indicator = figures(db, buyer, year)["insertion_fte"]
    assert (indicator.value, indicator.denominator) == (fte, D(1607))
    assert display(indicator.value, indicator.unit) == shown


def test_a_reopened_report_stays_received_and_a_semester_counts_the_reports_due_in_it(db, ds):
    csr = db.scalars(select(Declaration).join(Declaration.commitment).where(
        Commitment.kind == CommitmentKind.csr_report, Declaration.status == Status.validated)
        ).one()
    # The buyer reopens C1's validated report for a correction: it was received all the same.
    w.event(db, csr, "validate", w.utc(2026, 7, 2))
    csr.status = Status.returned
    db.flush()
    f = figures(db, ds.a)["csr_reports_received"]
    assert (f.numerator, f.denominator, f.details["under_review"]) == (D(1), D(3), 1)
    # The 2025 reports fall due on 30/06/2026: the first semester of 2026 expects them, the
    # first semester of 2025 none.
    by_period = {p: {i.id: i for i in compute_indicators(db, period=parse_period(p),
                                                         buyer_org_id=ds.a.id)}
                 for p in ("2026-S1", "2025-S1")}
    assert by_period["2026-S1"]["csr_reports_received"].denominator == D(3)
    assert by_period["2026-S1"]["csr_reports_received"].numerator == D(1)
    assert "dont l'échéance tombe au 1er semestre 2026" in by_period["2026-S1"][
        "csr_reports_received"].sentence
    assert by_period["2025-S1"]["csr_reports_received"].denominator == D(0)
