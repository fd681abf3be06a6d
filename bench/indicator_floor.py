"""The SQL floor of the indicator set: the same figures as `compute_indicators`, with the plainest
SQL one would write by hand (`text()` statements, no ORM), so that the product's cost can be read
against what the database needs at least.

Interface:

- ``floor_indicators(connection, *, year, buyer_org_id) -> dict[str, object]``: one entry per
  indicator id of reference/indicators.md, holding the value `compute_indicators` gives
  (``Indicator.value``: a Decimal, or None where the product shows « — »), plus a few entries
  named ``"<id>.<what>"`` for the figures shown beside a value that take their own SQL work:
  ``insertion_by_public.public`` / ``.sex`` / ``.age_band`` (hours per code),
  ``agec_shares.category`` (code → (reuse share, recycled share, status)) and
  ``review_delay_days.median``.
- ``floor_trends(connection, *, years, buyer_org_id) -> dict[int, dict[str, object]]``: what the
  dashboard's trend charts show for each year (insertion hours, the two consideration shares,
  the two satisfaction scores), grouped by year in one statement per family.

The statements are dialect-aware where the two databases differ (date arithmetic, the median,
JSON parameters). Python only divides the sums, rounds like the product
(execution.indicators.service ``ratio``) and applies the AGEC decree rule to the few categories
with spend: that rule is
domain logic on a handful of rows, not a scan. tests/execution/test_indicator_floor.py checks
that both give the same figures, which is what makes the comparison fair.
"""

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from sqlalchemy import Connection

from bench.floor_sql import JOIN_SETTINGS, PARIS, Settings, Sql
from execution.indicators.service import ratio
from portal.agec import DECREE_2021_LAST_YEAR, Regime
from portal.money import CENT, cents
from supplier.compliance.agec import MET, CategoryResult, shares

TENTH = Decimal("0.1")


def _insertion(s: Sql, settings: Settings, out: dict) -> None:
    groups = s.rows(
        "SELECT l.public_category, l.sex, l.age_band, sum(l.hours) FROM insertion_line l"
        " JOIN declaration d ON d.id = l.declaration_id"
        " WHERE d.status = 'validated' AND d.period_start BETWEEN :y0 AND :y1" + s.of_buyer() +
        " GROUP BY l.public_category, l.sex, l.age_band")
    by: dict[str, dict[str, Decimal]] = {"public": {}, "sex": {}, "age_band": {}}
    total = Decimal("0.00")
    for public, sex, age, hours in groups:
        amount = cents(hours)
        total += amount
        for key, code in (("public", public), ("sex", sex), ("age_band", age)):
            by[key][code] = by[key].get(code, Decimal(0)) + amount
    out["insertion_hours"] = out["insertion_by_public"] = total
    if s.buyer is not None:
        own = s.rows("SELECT fte_hours FROM buyer_indicator_settings WHERE buyer_org_id = :buyer")
        fte = Decimal(str(own[0][0])) if own and own[0][0] is not None else settings.fte
        out["insertion_fte"] = ratio(total, fte, 1)
    else:  # each buyer's hours divided by its own hours per FTE (NULL: the instance's)
        by_fte: dict[Decimal, Decimal] = {}
        for divisor, hours in s.rows(
                "SELECT bs.fte_hours, sum(l.hours) FROM insertion_line l"
                " JOIN declaration d ON d.id = l.declaration_id"
                " JOIN commitment cm ON cm.id = d.commitment_id"
                " JOIN contract c ON c.id = cm.contract_id" + JOIN_SETTINGS +
                " WHERE d.status = 'validated' AND d.period_start BETWEEN :y0 AND :y1"
                " GROUP BY bs.fte_hours"):
            fte = Decimal(str(divisor)) if divisor is not None else settings.fte
            by_fte[fte] = by_fte.get(fte, Decimal(0)) + cents(hours)
        out["insertion_fte"] = (ratio(total, settings.fte, 1) if not by_fte else sum(
            (h / f for f, h in by_fte.items()), Decimal(0)).quantize(TENTH, ROUND_HALF_UP))
    out["insertion_women_share"] = ratio(by["sex"].get("F", Decimal(0)), total)
    for key, values in by.items():
        out[f"insertion_by_public.{key}"] = values
    # Expected to date: target × the share of the contract's days elapsed at the end of Y.
    if s.sqlite:
        target = "CAST(json_extract(cm.params, '$.target_hours') AS NUMERIC)"
        span = "(julianday(e.end_on) - julianday(e.starts_on) + 1)"
        done = "(julianday(min(:y1, e.end_on)) - julianday(e.starts_on) + 1)"
        share = f"max(0, min({done}, {span})) * 1.0 / {span}"
    else:
        target = "CAST(cm.params ->> 'target_hours' AS NUMERIC)"
        span = "(e.end_on - e.starts_on + 1)"
        done = "(least(CAST(:y1 AS date), e.end_on) - e.starts_on + 1)"
        share = f"greatest(0, least({done}, {span}))::numeric / {span}"
    end_on = ("CASE WHEN c.closed_on IS NOT NULL AND c.closed_on < c.ends_on"
              " THEN c.closed_on ELSE c.ends_on END")
    count, expected, validated = s.rows(
        f"SELECT count(*), sum(e.target * {share}), sum(e.hours) FROM ("
        f" SELECT c.starts_on, {end_on} AS end_on, {target} AS target,"
        "  (SELECT sum(l.hours) FROM declaration d JOIN insertion_line l"
        "   ON l.declaration_id = d.id WHERE d.commitment_id = cm.id"
        "   AND d.status = 'validated' AND d.period_start <= :y1) AS hours"
        " FROM contract c JOIN commitment cm ON cm.contract_id = c.id"
        "  AND cm.kind = 'insertion_hours'"
        f" WHERE c.starts_on <= :y1 AND {end_on} >= :y0" + s.buyer_where() + ") e")[0]
    expected = Decimal(str(expected or 0)).quantize(CENT, ROUND_HALF_UP)
    out["insertion_completion_rate"] = ratio(cents(validated), expected)
    out["insertion_contracts"] = Decimal(count)


def _people_and_exits(s: Sql, out: dict) -> None:
    lines = (" FROM insertion_line l JOIN declaration d ON d.id = l.declaration_id"
             " WHERE d.status = 'validated' AND d.period_start BETWEEN :y0 AND :y1")
    people = s.rows(
        "SELECT count(*) FROM (SELECT DISTINCT d.commitment_id, d.holder_org_id,"
        " l.beneficiary_ref" + lines + " AND l.beneficiary_ref IS NOT NULL" + s.of_buyer()
        + ") p")[0][0]
    merged = s.rows("SELECT coalesce(sum(l.people), 0)" + lines
                    + " AND l.beneficiary_ref IS NULL" + s.of_buyer())[0][0]
    out["insertion_people"] = Decimal(people + merged)
    known, positive = s.rows(
        "SELECT sum(CASE WHEN x.outcome <> 'unknown' THEN 1 ELSE 0 END),"
        " sum(CASE WHEN x.outcome IN ('permanent', 'fixed_term_6m', 'training', 'other_job')"
        " THEN 1 ELSE 0 END) FROM insertion_exit x JOIN contract c ON c.id = x.contract_id"
        " WHERE x.exited_on BETWEEN :y0 AND :y1" + s.buyer_where())[0]
    out["insertion_positive_exits"] = ratio(positive or 0, known or 0)


def _contracts(s: Sql, settings: Settings, out: dict) -> None:
    counted = settings.counted
    above, social, environmental, reserved, carbon, global_cost = s.rows(
        f"SELECT sum(CASE WHEN {counted} THEN 1 ELSE 0 END),"
        f" sum(CASE WHEN {counted} AND (social_clause OR social_criterion"
        "  OR reserved OR EXISTS (SELECT 1 FROM commitment m WHERE m.contract_id = c.id"
        "  AND m.kind = 'insertion_hours')) THEN 1 ELSE 0 END),"
        f" sum(CASE WHEN {counted} AND (environmental_clause"
        "  OR environmental_criterion OR carbon_clause) THEN 1 ELSE 0 END),"
        " sum(CASE WHEN reserved THEN 1 ELSE 0 END),"
        f" sum(CASE WHEN {counted} AND carbon_clause THEN 1 ELSE 0 END),"
        f" sum(CASE WHEN {counted} AND global_cost_criterion THEN 1 ELSE 0 END)"
        " FROM contract c" + JOIN_SETTINGS + " WHERE notified_on BETWEEN :y0 AND :y1"
        + s.buyer_where(), **settings.params)[0]
    out["social_consideration_share"] = ratio(social or 0, above or 0)
    out["environmental_consideration_share"] = ratio(environmental or 0, above or 0)
    out["reserved_contracts"] = Decimal(reserved or 0)
    out["carbon_clause_share"] = ratio(carbon or 0, above or 0)
    out["global_cost_criterion_share"] = ratio(global_cost or 0, above or 0)


def _emissions(s: Sql, out: dict) -> None:
    total = s.rows(
        "SELECT coalesce(sum(coalesce(r.scope1_tco2e, 0) + coalesce(r.scope2_tco2e, 0)"
        " + coalesce(r.scope3_tco2e, 0)), 0) FROM carbon_report r"
        " JOIN declaration d ON d.id = r.declaration_id"
        " WHERE d.status = 'validated' AND d.period_start BETWEEN :y0 AND :y1"
        + s.of_buyer())[0][0]
    out["carbon_emissions"] = Decimal(str(total)).quantize(Decimal("0.001"))


def _agec(s: Sql, out: dict) -> None:
    spend = s.rows(
        "SELECT g.code, g.regime, sum(a.total_excl_vat), sum(a.reuse_excl_vat),"
        " sum(a.donation_excl_vat), sum(a.recycled_excl_vat)"
        " FROM agec_line a JOIN declaration d ON d.id = a.declaration_id"
        " JOIN agec_category g ON g.code = a.category_code"
        " WHERE d.status = 'validated' AND d.period_start BETWEEN :y0 AND :y1" + s.of_buyer() +
        " GROUP BY g.code, g.regime")
    # The threshold in force: the latest row not after Y (the 2021 decree ends in 2024).
    minimums = {code: SimpleNamespace(global_min=g, reuse_min=r, recycled_min=rc)
                for code, regime, g, r, rc in s.rows(
                    "SELECT t.category_code, g.regime, t.global_min, t.reuse_min, t.recycled_min"
                    " FROM agec_threshold t JOIN agec_category g ON g.code = t.category_code"
                    " WHERE t.from_year = (SELECT max(u.from_year) FROM agec_threshold u"
                    "  WHERE u.category_code = t.category_code AND u.from_year <= :y)",
                    y=s.year)
                if not (regime == Regime.decree_2021 and s.year > DECREE_2021_LAST_YEAR)}
    categories, reuse_all, total_all, met = {}, Decimal(0), Decimal(0), 0
    for code, regime, *sums in spend:
        total, reuse, donation, recycled = (cents(v) for v in sums)
        if total <= 0:
            continue
        result = CategoryResult(code, code, Regime(regime), s.year, total, shares(
            Regime(regime), total=total, reuse=reuse, donation=donation, recycled=recycled,
            threshold=minimums.get(code)))
        met += result.status == MET
        reuse_all, total_all = reuse_all + reuse, total_all + total
        categories[code] = (ratio(reuse, total), ratio(recycled, total), result.status)
    out["agec_shares"] = ratio(reuse_all, total_all)
    out["agec_shares.category"] = categories
    out["agec_completion_rate"] = ratio(met, len(categories))


def _satisfaction(s: Sql, out: dict) -> None:
    found = {direction: (n, total) for direction, n, total in s.rows(
        "SELECT i.direction, count(*), sum(a.value) FROM survey_campaign k"
        " JOIN contract c ON c.id = k.contract_id" + s.buyer_where() +
        " JOIN survey_invitation i ON i.campaign_id = k.id AND i.status = 'submitted'"
        " JOIN survey_answer a ON a.invitation_id = i.id"
        "  AND a.scale = 'satisfaction' AND a.value IS NOT NULL"
        " WHERE k.closed_at >= :t0 AND k.closed_at < :t1 GROUP BY i.direction")}
    for indicator_id, direction in (("supplier_satisfaction", "holder_rates_buyer"),
                                    ("buyer_satisfaction", "buyer_rates_holder")):
        n, total = found.get(direction, (0, 0))
        out[indicator_id] = ratio(int(total or 0) - n, n, 25)


def _on_time(s: Sql, out: dict) -> None:
    # Filed on time: before the midnight (Paris) that ends the due day.
    if s.sqlite:
        summer = [d for d in (date(s.year, 1, 1) + timedelta(n) for n in range(366))
                  if d.year == s.year and datetime.combine(
                      d + timedelta(1), datetime.min.time(), PARIS).utcoffset().seconds == 7200]
        deadline = ("datetime(d.due_on, '+1 day', CASE WHEN d.due_on BETWEEN :s0 AND :s1"
                    " THEN '-2 hours' ELSE '-1 hours' END)")
        extra = {"s0": summer[0].isoformat(), "s1": summer[-1].isoformat()}
    else:
        deadline = "((d.due_on + 1)::timestamp AT TIME ZONE 'Europe/Paris')"
        extra = {}
    # The first submission decides, whatever the buyer did since (a return, a reopen).
    considered, on_time = s.rows(
        f"SELECT count(*), sum(CASE WHEN d.first_submitted_at < {deadline}"
        " THEN 1 ELSE 0 END) FROM declaration d"
        " WHERE d.due_on BETWEEN :y0 AND :y1"
        " AND (d.due_on < :today OR d.first_submitted_at IS NOT NULL)"
        + s.of_buyer(),
        **extra)[0]
    out["on_time_declarations"] = ratio(on_time or 0, considered)


def _review_delays(s: Sql, out: dict) -> None:
    # INDEXED BY: without statistics SQLite would pick ix_audit_event_action (a scan).
    submitted = ("(SELECT max(b.at) FROM audit_event b INDEXED BY ix_audit_event_entity"
                 " WHERE b.entity = 'declaration'"
                 " AND b.entity_id = r.entity_id AND b.action IN ('submit', 'resubmit')"
                 " AND b.at <= r.at)")
    reviews = (" FROM audit_event r WHERE r.entity = 'declaration'"
               " AND r.action IN ('validate', 'return') AND r.at >= :t0 AND r.at < :t1"
               + s.of_buyer("r.entity_id"))
    if s.sqlite:
        n, total, median = s.rows(
            # MATERIALIZED, and unknown delays sorted first rather than filtered out: else
            # SQLite copies the lookup into each use of the delay.
            "WITH e AS MATERIALIZED (SELECT julianday(r.at) - julianday(" + submitted +
            ") AS delay" + reviews + ") SELECT count(delay), sum(delay),"
            " avg(CASE WHEN k IN (m + (n + 1) / 2, m + (n + 2) / 2) THEN delay END)"
            " FROM (SELECT delay, row_number() OVER (ORDER BY delay) AS k,"
            " count(delay) OVER () AS n, count(*) OVER () - count(delay) OVER () AS m"
            " FROM e)")[0]
    else:
        n, total, median = s.rows(
            "SELECT count(b.at), sum(extract(epoch FROM r.at - b.at) / 86400),"
            " extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY r.at - b.at))"
            " / 86400 FROM audit_event r CROSS JOIN LATERAL (SELECT max(b.at) AS at"
            " FROM audit_event b WHERE b.entity = 'declaration' AND b.entity_id = r.entity_id"
            " AND b.action IN ('submit', 'resubmit') AND b.at <= r.at) b"
            + reviews.replace(" FROM audit_event r", ""))[0]
    out["review_delay_days"] = ratio(Decimal(str(total or 0)), n, 1)
    out["review_delay_days.median"] = (Decimal(str(median)).quantize(TENTH, ROUND_HALF_UP)
                                       if n else None)


def _plans(s: Sql, out: dict) -> None:
    end_on = ("CASE WHEN c.closed_on IS NOT NULL AND c.closed_on < c.ends_on"
              " THEN c.closed_on ELSE c.ends_on END")
    due, done = s.rows(
        "SELECT count(a.id), sum(CASE WHEN EXISTS (SELECT 1 FROM declaration u"
        "  JOIN plan_update p ON p.declaration_id = u.id WHERE u.commitment_id = v.commitment_id"
        "  AND u.subject = 'period' AND u.status = 'validated' AND u.period_start <= a.deadline"
        "  AND p.action_key = a.key AND p.status = 'done') THEN 1 ELSE 0 END)"
        " FROM (SELECT d.id, d.commitment_id, row_number() OVER (PARTITION BY d.commitment_id"
        "  ORDER BY d.period_start DESC, d.id DESC) AS k FROM declaration d"
        "  JOIN commitment cm ON cm.id = d.commitment_id JOIN contract c ON c.id = cm.contract_id"
        "  WHERE d.subject = 'plan' AND d.status = 'validated' AND d.period_start <= :y1"
        f"  AND c.starts_on <= :y1 AND {end_on} >= :y0" + s.buyer_where() + ") v"
        " JOIN plan_action a ON a.declaration_id = v.id AND a.deadline BETWEEN :y0 AND :y1"
        " WHERE v.k = 1")[0]
    out["progress_plans"] = ratio(done or 0, due)


def _holders(s: Sql, settings: Settings, out: dict) -> None:
    organisations, sme, pairs, regional = s.rows(
        "SELECT count(DISTINCT h.id), count(DISTINCT CASE WHEN h.size IN ('TPE', 'PME')"
        " THEN h.id END), count(*), sum(CASE WHEN h.region = b.region THEN 1 ELSE 0 END)"
        " FROM (SELECT DISTINCT c.buyer_org_id, p.organisation_id FROM contract c"
        "  JOIN contract_party p ON p.contract_id = c.id AND p.role IN ('holder', 'co_holder')"
        "  WHERE c.notified_on BETWEEN :y0 AND :y1" + s.buyer_where() + ") x"
        " JOIN organisation h ON h.id = x.organisation_id"
        " JOIN organisation b ON b.id = x.buyer_org_id")[0]
    out["sme_holders_share"] = ratio(sme, organisations)
    out["regional_holders_share"] = ratio(regional or 0, pairs)
    # By amount: contracts from their buyer's amount threshold, by their titulaire.
    total, sme_amount, local = s.rows(
        "SELECT sum(c.amount_excl_vat), sum(CASE WHEN h.size IN ('TPE', 'PME')"
        " THEN c.amount_excl_vat ELSE 0 END), sum(CASE WHEN h.region = b.region"
        " THEN c.amount_excl_vat ELSE 0 END) FROM contract c" + JOIN_SETTINGS +
        " JOIN contract_party p ON p.contract_id = c.id AND p.role = 'holder'"
        " JOIN organisation h ON h.id = p.organisation_id"
        " JOIN organisation b ON b.id = c.buyer_org_id"
        " WHERE c.notified_on BETWEEN :y0 AND :y1"
        f" AND c.amount_excl_vat >= {settings.holder_threshold}" + s.buyer_where(),
        **settings.params)[0]
    out["sme_holders_share.amount_share"] = ratio(cents(sme_amount), cents(total))
    out["regional_holders_share.amount_share"] = ratio(cents(local), cents(total))


def _reports(s: Sql, out: dict) -> None:
    found = {kind: (n, received) for kind, n, received in s.rows(
        # Received: validated, or validated once and reopened since (the audit says so).
        "SELECT cm.kind, count(*), sum(CASE WHEN d.status = 'validated' OR EXISTS (SELECT 1"
        " FROM audit_event a WHERE a.entity = 'declaration' AND a.entity_id = d.id"
        " AND a.action = 'validate') THEN 1 ELSE 0 END)"
        " FROM declaration d JOIN commitment cm ON cm.id = d.commitment_id"
        "  AND cm.kind IN ('csr_report', 'concession_report')" +
        ("" if s.buyer is None else
         " JOIN contract c ON c.id = cm.contract_id AND c.buyer_org_id = :buyer") +
        " WHERE d.period_start BETWEEN :y0 AND :y1 GROUP BY cm.kind")}
    for indicator_id, kind in (("csr_reports_received", "csr_report"),
                               ("concession_reports_received", "concession_report")):
        n, received = found.get(kind, (0, 0))
        out[indicator_id] = ratio(received or 0, n)


def floor_indicators(connection: Connection, *, year: int,
                     buyer_org_id: int | None) -> dict[str, object]:
    s = Sql(connection, year, buyer_org_id)
    settings = Settings(s)
    out: dict[str, object] = {}
    _insertion(s, settings, out)
    _people_and_exits(s, out)
    _contracts(s, settings, out)
    _agec(s, out)
    _satisfaction(s, out)
    _on_time(s, out)
    _review_delays(s, out)
    _plans(s, out)
    _holders(s, settings, out)
    _reports(s, out)
    _emissions(s, out)
    return out


def floor_trends(connection: Connection, *, years: list[int],
                 buyer_org_id: int | None) -> dict[int, dict[str, object]]:
    s = Sql(connection, max(years), buyer_org_id)
    settings = Settings(s)
    first = min(years)
    bounds = {"f0": s.day(date(first, 1, 1)), "f1": s.params["y1"]}
    year_of = ("CAST(strftime('%Y', {}) AS INTEGER)" if s.sqlite
               else "CAST(extract(year FROM {}) AS INTEGER)")
    out: dict[int, dict[str, object]] = {y: {} for y in years}
    hours = dict(s.rows(
        f"SELECT {year_of.format('d.period_start')}, sum(l.hours) FROM insertion_line l"
        " JOIN declaration d ON d.id = l.declaration_id"
        " WHERE d.status = 'validated' AND d.period_start BETWEEN :f0 AND :f1" + s.of_buyer() +
        " GROUP BY 1",
        **bounds))
    counted = settings.counted
    shares_by_year = {y: (above, social, env) for y, above, social, env in s.rows(
        f"SELECT {year_of.format('notified_on')},"
        f" sum(CASE WHEN {counted} THEN 1 ELSE 0 END),"
        f" sum(CASE WHEN {counted} AND (social_clause OR social_criterion"
        "  OR reserved OR EXISTS (SELECT 1 FROM commitment m WHERE m.contract_id = c.id"
        "  AND m.kind = 'insertion_hours')) THEN 1 ELSE 0 END),"
        f" sum(CASE WHEN {counted} AND (environmental_clause"
        "  OR environmental_criterion OR carbon_clause) THEN 1 ELSE 0 END)"
        " FROM contract c" + JOIN_SETTINGS + " WHERE notified_on BETWEEN :f0 AND :f1"
        + s.buyer_where() + " GROUP BY 1", **settings.params, **bounds)}
    # Survey years are Paris years: the year is read from the boundaries, not the UTC date.
    starts = {y: s.instant(datetime(y, 1, 1, tzinfo=PARIS)) for y in years}
    paris_year = "CASE " + " ".join(f"WHEN k.closed_at >= :b{y} THEN {y}"
                                    for y in sorted(years, reverse=True)) + " END"
    scores = {(y, direction): (n, total) for y, direction, n, total in s.rows(
        f"SELECT {paris_year}, i.direction, count(*), sum(a.value) FROM survey_campaign k"
        " JOIN contract c ON c.id = k.contract_id" + s.buyer_where() +
        " JOIN survey_invitation i ON i.campaign_id = k.id AND i.status = 'submitted'"
        " JOIN survey_answer a ON a.invitation_id = i.id"
        "  AND a.scale = 'satisfaction' AND a.value IS NOT NULL"
        f" WHERE k.closed_at >= :b{first} AND k.closed_at < :t1 GROUP BY 1, 2",
        **{f"b{y}": v for y, v in starts.items()})}
    for y in years:
        above, social, env = shares_by_year.get(y, (0, 0, 0))
        out[y]["insertion_hours"] = cents(hours.get(y))
        out[y]["social_consideration_share"] = ratio(social or 0, above or 0)
        out[y]["environmental_consideration_share"] = ratio(env or 0, above or 0)
        for indicator_id, direction in (("supplier_satisfaction", "holder_rates_buyer"),
                                        ("buyer_satisfaction", "buyer_rates_holder")):
            n, total = scores.get((y, direction), (0, 0))
            out[y][indicator_id] = ratio(int(total or 0) - n, n, 25)
    return out
