"""agec lines and reference data

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 12:15:13.720191

Loads the AGEC categories of both decrees and ONLY the minimum shares confirmed in the project's
domain reference (shared/reference/domain.md §1), each with its source. Every other threshold row
is created empty ("seuil à renseigner") for an administrator to fill from Légifrance; a value
read in a partial source is kept as a hint in `source`, never as the threshold.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DOUBLETRADE = "https://doubletrade.com/?p=20095 (annexe du décret 2021-254, lignes 1 à 5)"
PAPETIER = ("https://papetierdefrance.com/bureau/17450/un-decret-fixe-les-modalites-d-une-"
            "commande-publique-plus-verte")
LEGIFRANCE_2021 = ("Taux non confirmé : à reprendre de l'annexe du décret n° 2021-254 du "
                   "9 mars 2021 sur Légifrance.")
LEGIFRANCE_2024 = ("Taux non confirmé : à reprendre de l'annexe du décret n° 2024-134 du "
                   "21 février 2024 (Légifrance JORFTEXT000049184670).")
TEXTILES_2024 = ("https://alliancecommerce.org/commande-publique-seuils-recyclage ; "
                 "https://achat-logistique.info/durable/nouveaux-quotas-pour-la-loi-agec/")


def _partial(value: str, url: str) -> str:
    return f"valeur signalée par une source partielle : {value} — à vérifier ({url})"


# Décret 2021-254: (code, label, confirmed (global %, of which reuse %) or None, hint).
# Lines 1–6 carry their annex number; the other products were named by sources that did not
# give their line number, so their code is the product.
CATEGORIES_2021 = [
    ("D2021_L01", "Ligne 1 : vêtements et chaussures, vêtements de travail et accessoires, linge, "
                  "cuir et textiles, articles textiles", (20, 20), DOUBLETRADE),
    ("D2021_L02", "Ligne 2 : sacs d'emballage", (20, 10), DOUBLETRADE),
    ("D2021_L03", "Ligne 3 : imprimés, livres, brochures et dépliants, registres, classeurs et "
                  "formulaires, papeterie", (40, 0), DOUBLETRADE),
    ("D2021_L04", "Ligne 4 : machines, matériel et fournitures informatiques et de bureau (sauf "
                  "meubles et logiciels), terminaux, ordinateurs portables et de bureau, "
                  "accessoires informatiques", (20, 20), DOUBLETRADE),
    ("D2021_L05", "Ligne 5 : photocopieurs et matériel d'impression offset, pièces et "
                  "accessoires de photocopieurs", (20, 20), DOUBLETRADE),
    ("D2021_L06", "Ligne 6 : cartouches de toner, cartouches d'encre", None,
     _partial("20 % (part globale ; part de réemploi non trouvée)", PAPETIER)),
    ("D2021_FOURNITURES_BUREAU", "Fournitures de bureau", None,
     _partial("20 % (part globale ; part de réemploi non trouvée)", PAPETIER)),
    ("D2021_PAPIER", "Papier d'impression et papier pour photocopie", None,
     _partial("40 %, dont 0 % de réemploi", PAPETIER)),
    ("D2021_MOBILIER", "Mobilier : tables, armoires, bureaux, bibliothèques", None,
     _partial("20 % (part globale ; part de réemploi non trouvée)", PAPETIER)),
    ("D2021_JEUX_JOUETS", "Jeux et jouets", None,
     _partial("20 %, dont 5 % de réemploi",
              "https://www.lagazettedescommunes.com/826998/avec-les-achats-doccasion-les-"
              "collectivites-offrent-une-seconde-vie-aux-jouets/")),
    ("D2021_BATIMENTS_PREFABRIQUES", "Bâtiments préfabriqués et modulaires", None,
     _partial("20 % (part de réemploi non confirmée)",
              "https://deltamod.fr/decret-du-9-mars-2021-reemploi-marches-publics/")),
    ("D2021_TELEPHONIE", "Téléphones et matériel de téléphonie", None, LEGIFRANCE_2021),
    ("D2021_VEHICULES", "Véhicules", None, LEGIFRANCE_2021),
    ("D2021_BICYCLETTES", "Bicyclettes", None, LEGIFRANCE_2021),
    ("D2021_VAISSELLE", "Vaisselle", None, LEGIFRANCE_2021),
    ("D2021_MOBILIER_URBAIN", "Mobilier urbain", None, LEGIFRANCE_2021),
]

# Décret 2024-134: the 17 categories, labelled exactly as `type_produit_acquis` of the official
# data.gouv.fr declaration schema.
CATEGORIES_2024 = [
    ("D2024_TEXTILES",
     "Produits textiles à l'exception des équipements de protection individuels"),
    ("D2024_INFORMATIQUE_TELEPHONIE", "Matériel informatique et téléphonie"),
    ("D2024_REPROGRAPHIE_IMPRESSION", "Matériel de reprographie et d'impression"),
    ("D2024_CONSOMMABLES_IMPRESSION", "Consommables d'impression"),
    ("D2024_PAPIER", "Papier"),
    ("D2024_FOURNITURES_BUREAU", "Fournitures de bureau"),
    ("D2024_ENGINS_TRANSPORT", "Engins de transport et pièces détachées"),
    ("D2024_VEHICULES", "Véhicules et pièces détachées"),
    ("D2024_MOBILIER", "Mobilier et aménagement d'intérieur"),
    ("D2024_MOBILIER_URBAIN", "Mobilier urbain"),
    ("D2024_COLLECTE_DECHETS", "Equipements de collecte de déchets"),
    ("D2024_BOCAUX_FLACONS", "Bocaux et flacons"),
    ("D2024_SPORT", "Articles et équipement sportifs"),
    ("D2024_ESPACES_VERTS", "Matériel d'entretien des espaces verts"),
    ("D2024_BATIMENTS_MODULAIRES", "Bâtiments modulaires ou préfabriqués"),
    ("D2024_GROS_ELECTROMENAGER", "Gros électroménager, y compris appareils professionnels"),
    ("D2024_JEUX_JOUETS", "Jeux et jouets"),
]
# Confirmed steps (reuse %, recycled %) by category and year.
CONFIRMED_2024 = {("D2024_TEXTILES", 2024): (8, 20), ("D2024_TEXTILES", 2027): (15, 25),
                  ("D2024_TEXTILES", 2030): (15, 30)}
HINTS_2024 = {("D2024_BATIMENTS_MODULAIRES", 2024): _partial(
    "20 % (colonne non précisée)", "https://camposphere.com/code-de-lenvironnement")}

category = sa.table("agec_category", sa.column("code", sa.String), sa.column("regime", sa.String),
                    sa.column("label", sa.String), sa.column("position", sa.Integer))
threshold = sa.table("agec_threshold", sa.column("category_code", sa.String),
                     sa.column("from_year", sa.Integer), sa.column("global_min", sa.Numeric),
                     sa.column("reuse_min", sa.Numeric), sa.column("recycled_min", sa.Numeric),
                     sa.column("source", sa.Text))


def _rows():
    categories, thresholds = [], []
    for position, (code, label, confirmed, source) in enumerate(CATEGORIES_2021, start=1):
        categories.append(dict(code=code, regime="2021", label=label, position=position))
        global_min, reuse_min = confirmed or (None, None)
        thresholds.append(dict(category_code=code, from_year=2021, global_min=global_min,
                               reuse_min=reuse_min, recycled_min=None, source=source))
    for position, (code, label) in enumerate(CATEGORIES_2024, start=1):
        categories.append(dict(code=code, regime="2024", label=label, position=position))
        for year in (2024, 2027, 2030):
            confirmed = CONFIRMED_2024.get((code, year))
            reuse_min, recycled_min = confirmed or (None, None)
            source = (TEXTILES_2024 if confirmed
                      else HINTS_2024.get((code, year), LEGIFRANCE_2024))
            thresholds.append(dict(category_code=code, from_year=year, global_min=None,
                                   reuse_min=reuse_min, recycled_min=recycled_min,
                                   source=source))
    return categories, thresholds


def upgrade() -> None:
    op.create_table('agec_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('category_code', sa.String(length=40), nullable=False),
    sa.Column('total_excl_vat', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('reuse_excl_vat', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('donation_excl_vat', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('recycled_excl_vat', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['category_code'], ['agec_category.code'], name=op.f('fk_agec_line_category_code_agec_category')),
    sa.ForeignKeyConstraint(['declaration_id'], ['declaration.id'], name=op.f('fk_agec_line_declaration_id_declaration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agec_line'))
    )
    with op.batch_alter_table('agec_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agec_line_declaration_id'), ['declaration_id'], unique=False)

    categories, thresholds = _rows()
    op.bulk_insert(category, categories)
    op.bulk_insert(threshold, thresholds)


def downgrade() -> None:
    codes = [row["code"] for row in _rows()[0]]
    op.execute(threshold.delete().where(threshold.c.category_code.in_(codes)))
    op.execute(category.delete().where(category.c.code.in_(codes)))
    with op.batch_alter_table('agec_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agec_line_declaration_id'))

    op.drop_table('agec_line')
