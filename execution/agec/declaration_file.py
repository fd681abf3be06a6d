"""The yearly AGEC declaration file (loi AGEC art. 58, décret 2024-134): the CSV of the
data.gouv.fr schema « declaration-biens-valorisation », one row per category the buyer recorded
totals for, built from the BUYER'S figures (execution.agec.totals), never from the holders'.

Format: the schema's fields in its order; its category labels (portal.agec.DECLARATION_LABELS);
amounts as the Table Schema `number` type reads them by default (a dot for decimals, no
thousands separator: « 15000.00 »); UTF-8, comma-separated, no byte order mark, as the schema's
valid example.
"""

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from execution.agec.models import BuyerAgecTotal
from execution.agec.totals import check_year
from portal.agec import DECLARATION_LABELS, FIRST_DECLARATION_YEAR, AgecCategory, Regime
from portal.errors import NotFound
from portal.models import Organisation
from portal.money import cents
from portal.spreadsheet import csv_document, safe_text

FIELDS = ("annee", "siret", "raison_sociale", "type_produit_acquis", "montant_total",
          "montant_valorisation_et_don", "montant_produits_issus_don",
          "montant_produits_recycles", "commentaires")


def _amount(value: Decimal) -> str:
    return format(cents(value), "f")


def declaration_rows(db: Session, buyer: Organisation, year: int) -> list[list[str]]:
    """The file's rows, in the decree's order of categories; refuses (French message) a year
    the file does not cover, a buyer without SIRET, or a year without any figure: an empty file
    published on data.gouv.fr would declare nothing while looking done."""
    check_year(year)
    if year < FIRST_DECLARATION_YEAR:
        raise NotFound(
            f"Le fichier de déclaration AGEC (schéma data.gouv.fr) couvre les années à partir de "
            f"{FIRST_DECLARATION_YEAR}, avec les catégories du décret n° 2024-134 ; pour "
            f"{year}, les catégories du décret n° 2021-254 n'y ont pas de libellé.")
    if not buyer.siret:
        raise NotFound(f"« {buyer.name} » n'a pas de SIRET : le fichier de déclaration AGEC en "
                       "exige un.")
    lines = db.execute(
        select(BuyerAgecTotal, AgecCategory.code)
        .join(AgecCategory, AgecCategory.code == BuyerAgecTotal.category_code)
        .where(BuyerAgecTotal.buyer_org_id == buyer.id, BuyerAgecTotal.year == year,
               AgecCategory.regime == Regime.decree_2024)
        .order_by(AgecCategory.position)).all()
    if not lines:
        raise NotFound(f"Aucun total AGEC n'est enregistré pour {buyer.name} en {year} : "
                       "saisissez d'abord les montants de votre comptabilité (Données ouvertes, "
                       "Déclaration AGEC), le fichier est construit à partir d'eux.")
    return [[str(year), buyer.siret, safe_text(buyer.name), DECLARATION_LABELS[code],
             _amount(line.total_excl_vat), _amount(line.reuse_and_donation_excl_vat),
             _amount(line.donation_excl_vat), _amount(line.recycled_excl_vat),
             safe_text(line.comment or "")]
            for line, code in lines]


def document(rows: list[list[str]]) -> str:
    return csv_document(FIELDS, rows, delimiter=",", byte_order_mark=False)


def declaration_csv(db: Session, buyer: Organisation, year: int) -> str:
    return document(declaration_rows(db, buyer, year))


def declaration_filename(buyer: Organisation, year: int) -> str:
    return f"declaration-agec-{year}-{buyer.siret}.csv"
