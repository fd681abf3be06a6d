"""Insertion hours against the commitment: elapsed share, status, shortfall and penalty."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from execution.review import service as review
from portal import clock
from supplier.compliance.insertion import STATUS_LABELS as progress_labels
from supplier.compliance.insertion import (
    InsertionProgress,
    insertion_commitment,
    insertion_progress,
    validated_hours,
)
from supplier.models import Status
from tests import factories

START, END = date(2025, 1, 1), date(2025, 1, 10)  # ten days, both counted


def progress(validated: str, *, target: str = "1000", share: str = "0.5",
             penalty: str | None = None, ended: bool = False) -> InsertionProgress:
    target_hours, elapsed = Decimal(target), Decimal(share)
    return InsertionProgress(
        target=target_hours, validated=Decimal(validated),
        expected_to_date=target_hours * elapsed, elapsed_share=elapsed,
        penalty_per_missing_hour=Decimal(penalty) if penalty is not None else None, ended=ended,
        status="missed" if ended else "on_track")


@pytest.mark.parametrize(("on", "share"), [
    (date(2024, 12, 31), Decimal("0")),
    (date(2024, 1, 1), Decimal("0")),
    (date(2025, 1, 1), Decimal("0.1")),  # the first day counts once it is over
    (date(2025, 1, 5), Decimal("0.5")),
    (date(2025, 1, 10), Decimal("1")),  # the last day counts
    (date(2025, 1, 11), Decimal("1")),
    (date(2030, 6, 1), Decimal("1")),
])
def test_elapsed_share_counts_whole_days_and_stays_between_zero_and_one(db, world, on, share):
    contract = factories.make_contract(db, world.buyer, world.holder.organisation,
                                       starts_on=START, ends_on=END, frequency="monthly")
    assert insertion_progress(db, [contract], on=on)[contract.id].elapsed_share == share


def test_elapsed_share_of_a_one_day_contract(db, world):
    contract = factories.make_contract(db, world.buyer, world.holder.organisation,
                                       starts_on=START, ends_on=START, frequency="monthly")
    assert insertion_progress(db, [contract], on=date(2024, 12, 31))[contract.id].elapsed_share \
        == 0
    assert insertion_progress(db, [contract], on=START)[contract.id].elapsed_share == 1


def status_on(db, world, on: date, validated: str | None) -> str:
    """The status of the world's contract (2025, 365 days, 1 000 hours) on ``on``, with
    ``validated`` hours validated in its first quarter."""
    if validated is not None:
        clock.freeze(datetime(2025, 4, 2, 9, tzinfo=UTC))
        first = world.declarations[0]
        factories.submit(db, first, world.holder, factories.line(hours=Decimal(validated)))
        review.validate(db, first.id, reviewer=world.buyer, version=first.version)
        db.commit()
    return insertion_progress(db, [world.contract], on=on)[world.contract.id].status


@pytest.mark.parametrize(("on", "validated", "status"), [
    (date(2025, 3, 1), "1000", "achieved"),  # reaching the target, whatever the date
    (date(2026, 6, 1), "1200", "achieved"),
    (date(2024, 12, 31), None, "not_started"),  # before the first day nothing is expected
    # 2 July: 183 of 365 days elapsed, 501.369… hours expected, rounded to 501.37.
    (date(2025, 7, 2), "501.37", "on_track"),
    (date(2025, 7, 2), "501.36", "behind"),
    (date(2025, 7, 2), None, "behind"),
    (date(2025, 12, 31), "999.99", "missed"),  # the last day over, below the target
    (date(2026, 1, 15), "900", "missed"),
])
def test_the_status_compares_validated_hours_with_the_share_expected_to_date(
        db, world, on, validated, status):
    assert status_on(db, world, on, validated) == status


def test_the_labels_users_read():
    assert {k: progress_labels[k] for k in ("achieved", "behind")} == {
        "achieved": "Objectif atteint", "behind": "En retard"}
    assert progress("900", ended=True).status_label == "Objectif non atteint"
    assert progress("600").status_label == "Dans les temps"


def test_the_hours_expected_to_date_are_the_elapsed_share_of_the_target(db, world):
    result = insertion_progress(db, [world.contract], on=date(2025, 7, 2))[world.contract.id]
    assert result.expected_to_date == Decimal("501.37")
    assert result.elapsed_share == Decimal(183) / Decimal(365)
    assert result.validated == 0 and result.ended is False


def test_percent_of_target_has_one_decimal():
    assert progress("333", target="1000").percent_of_target == Decimal("33.3")
    assert progress("1", target="8").percent_of_target == Decimal("12.5")
    assert progress("1", target="3").percent_of_target == Decimal("33.3")


def test_shortfall_is_what_is_missing_and_never_negative():
    assert progress("650").shortfall == Decimal("350")
    assert progress("1250").shortfall == 0


def test_penalty_is_owed_only_once_the_contract_has_ended():
    assert progress("900", penalty="30", share="1", ended=True).penalty == Decimal("3000.00")
    assert progress("900", penalty="30", share="0.9", ended=False).penalty is None


def test_no_penalty_when_the_contract_sets_none():
    assert progress("900", share="1", ended=True).penalty is None


def test_penalty_is_zero_when_the_target_is_exceeded_and_rounded_to_the_cent():
    assert progress("1100", penalty="30", share="1", ended=True).penalty == Decimal("0.00")
    odd = progress("999.5", penalty="12.345", share="1", ended=True)
    assert odd.penalty == Decimal("6.17")


def test_only_validated_declarations_count(db, world):
    clock.freeze(datetime(2025, 10, 2, 9, tzinfo=UTC))
    first, second, third = world.declarations[:3]
    factories.submit(db, first, world.holder, factories.line(hours=Decimal("35")),
                     factories.line(beneficiary_ref="B-002", hours=Decimal("20.5")))
    factories.submit(db, second, world.holder, factories.line(hours=Decimal("100")))
    factories.submit(db, third, world.holder, factories.line(hours=Decimal("400")))
    for declaration in (first, second):
        review.validate(db, declaration.id, reviewer=world.buyer, version=declaration.version)
    db.commit()
    assert third.status == Status.submitted

    commitment = insertion_commitment(db, world.contract.id)
    assert validated_hours(db, [commitment.id]) == {commitment.id: Decimal("155.50")}
    result = insertion_progress(db, [world.contract], on=date(2025, 10, 2))[world.contract.id]
    assert result.validated == Decimal("155.50")
    assert result.shortfall == Decimal("844.50")


def test_a_contract_with_only_submitted_declarations_has_no_validated_hours(db, world):
    clock.freeze(datetime(2025, 4, 2, 9, tzinfo=UTC))
    factories.submit(db, world.declarations[0], world.holder)
    commitment = insertion_commitment(db, world.contract.id)
    assert validated_hours(db, [commitment.id]) == {}
    result = insertion_progress(db, [world.contract], on=date(2025, 4, 2))[world.contract.id]
    assert result.validated == 0 and result.status == "behind"


def test_the_commitments_validated_hours_follow_validation_and_reopening(db, world):
    clock.freeze(datetime(2025, 10, 2, 9, tzinfo=UTC))
    first, second = world.declarations[:2]
    commitment = insertion_commitment(db, world.contract.id)

    def counted() -> Decimal:
        db.refresh(commitment)
        assert commitment.validated_hours == validated_hours(db, [commitment.id]).get(
            commitment.id, 0)  # the kept figure is always the sum of the lines
        return commitment.validated_hours

    factories.submit(db, first, world.holder, factories.line(hours=Decimal("35.5")))
    factories.submit(db, second, world.holder, factories.line(hours=Decimal("100")))
    assert counted() == 0  # submitted is not validated
    review.validate(db, first.id, reviewer=world.buyer, version=first.version)
    review.validate(db, second.id, reviewer=world.buyer, version=second.version)
    assert counted() == Decimal("135.50")
    review.reopen(db, second.id, reviewer=world.buyer, version=second.version,
                  comment="Heures à revoir")
    assert counted() == Decimal("35.50")
    factories.submit(db, second, world.holder, factories.line(hours=Decimal("80")))
    review.validate(db, second.id, reviewer=world.buyer, version=second.version)
    assert counted() == Decimal("115.50")
    db.commit()
