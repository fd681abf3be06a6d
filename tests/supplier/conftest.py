"""Fixtures shared by the holders' tests."""

import pytest

from tests import factories


@pytest.fixture
def saved(db, world):
    """A draft already holding one line of 35 h."""
    from supplier import service
    from supplier.schemas import InsertionDeclarationIn

    declaration = world.declarations[0]
    service.save_draft(db, declaration.id, InsertionDeclarationIn(
        version=declaration.version, lines=[factories.line()]), user=world.holder)
    db.commit()
    return declaration
