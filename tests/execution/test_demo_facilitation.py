"""The facilitators' demo: the Maison de l'emploi follows every insertion contract of the
métropole, and Inès Garnier reads their filed insertion declarations."""

from sqlalchemy import func, select

from execution.demo import load as demo
from portal.facilitators import FacilitatorAssignment
from portal.models import User
from supplier.service import visible_declarations


def test_the_maison_de_l_emploi_follows_the_metropole_once(db):
    demo.load_demo(db)
    demo.load_demo(db)
    rows = db.scalars(select(FacilitatorAssignment)).all()
    assert [(a.facilitator.name, a.buyer.name, a.contract_id) for a in rows] == [
        ("Maison de l'emploi de Loire-Estuaire", "Métropole de Loire-Estuaire", None)]
    ines = db.scalar(select(User).where(
        User.email == "ines.garnier@maison-emploi-loire.example.fr"))
    seen = db.scalar(select(func.count()).select_from(visible_declarations(ines).subquery()))
    assert seen > 0
